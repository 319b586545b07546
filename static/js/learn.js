// /learn: each figure's "Use this figure" snippet, copied with one click (the textarea stays
// selectable where the clipboard is refused).

async function copy(button) {
  const box = button.closest("details");
  const snippet = box.querySelector(".snippet");
  const said = box.querySelector(".copied");
  try {
    await navigator.clipboard.writeText(snippet.value);
    said.textContent = "Copied.";
  } catch {
    snippet.select();
    said.textContent = "Selected: copy it with Ctrl+C (⌘C).";
  }
}

for (const button of document.querySelectorAll(".use .copy")) {
  button.addEventListener("click", () => copy(button));
}
