// window.lernmi: what the browser tests and benchmarks/browser.py read from the page. Frames
// drawn since the page loaded and the milliseconds spent drawing them (the benchmark); whether
// the newest frame is unacked, how many times the page has joined a session, whether a restore
// is on its way, whether the picture is of the session's current state; the network view's
// layout and explain mode's numbers on it (the tests check the drawing against them); where
// the maps are computed.

/** The page's hooks over its `store`, `connection`, `network` view and `explainer`; the page
 * counts each drawing with `drew(ms)`. */
export function installHooks({ store, connection, network, explainer, registry, maps }) {
  const stats = {
    framesDrawn: 0,
    drawMs: 0,
    explainer,
    registry,
    drew(ms) {
      this.framesDrawn += 1;
      this.drawMs += ms;
    },
    get holding() {
      return store.frame !== null && store.frame.header.frame !== store.acked;
    },
    get restoring() {
      return connection.restoring !== null;
    },
    get welcomes() {
      return connection.welcomes;
    },
    get current() {
      return store.drawn !== null && store.drawn.state_id === store.state?.state_id;
    },
    get mapsIn() {
      return maps.worker ? "worker" : "page"; // where the maps are computed (maps.js)
    },
    get layout() {
      return network.drawn;
    },
    get tags() {
      return network.tags;
    },
    placeOf: (id) => network.placeOf(id),
  };
  window.lernmi = stats;
  return stats;
}
