// An embed costs nothing until it is played: it asks for its first picture (POST /api/preview:
// the state and the first frame of its link, no session) once it is scrolled into view, and
// opens its WebSocket only when the reader does something with it (Play, Step, a slider…).

/** A base64 text as the bytes it encodes. */
export function bytesOf(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/**
 * Start `connection` lazily: until the first message is sent through it, only a preview of
 * `changes()` (the link's config) is drawn, fed to the page as if the socket had sent it; then
 * `shown()` (the page has written the preview's whole config, its seed included, to the hash: the
 * session opens that same network). `observe(callback)` calls back once the page is in view (an
 * IntersectionObserver by default).
 */
export function startLazily(connection, changes, { shown = () => {}, observe = inView, fetchImpl = fetch } = {}) {
  let started = false;
  const send = connection.send.bind(connection);
  connection.send = (message) => {
    if (!started) {
      started = true;
      connection.open();
    }
    return send(message);
  };
  // The new session's first state is the default network, and the link's state follows at once:
  // the page goes from the preview straight to the link's (an explanation picked on the preview
  // survives, since the page sees no other network in between).
  const receive = connection.on.message;
  let skip = false;
  connection.on.message = (message) => {
    if (message.type === "welcome") skip = connection.welcomes === 1 && Object.keys(changes()).length > 0;
    else if (message.type === "state" && skip) {
      skip = false;
      return;
    }
    receive?.(message);
  };
  connection.status("ready");
  observe(async () => {
    if (started) return;
    const response = await fetchImpl("/api/preview", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ type: "link", changes: changes() }),
    });
    if (!response.ok || started) return; // the socket will say what is wrong, once played
    const { state, frame, ignored } = await response.json();
    await connection.receive(JSON.stringify(state));
    await connection.receive(bytesOf(frame));
    shown();
    if (ignored.length) await connection.receive(JSON.stringify({ type: "link_ignored", ignored }));
  });
}

/** Call `callback` once, the first time the page is at least partly in view. */
function inView(callback) {
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) {
      observer.disconnect();
      callback();
    }
  });
  observer.observe(document.body);
}
