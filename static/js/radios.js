// A group of role="radio" buttons as the ARIA pattern has it: one tab stop (the checked one),
// arrow keys move the choice.

/** Make `group`'s radios one tab stop with arrow keys. `focus`: move the focus to the checked
 * radio (the group was just rebuilt while the keyboard was in it). */
export function radioGroup(group, focus = false) {
  const radios = [...group.querySelectorAll('[role="radio"]')];
  const checked = radios.find((radio) => radio.getAttribute("aria-checked") === "true") ?? radios[0];
  radios.forEach((radio) => (radio.tabIndex = radio === checked ? 0 : -1));
  if (focus) checked?.focus();
  group.onkeydown = (event) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    const at = radios.indexOf(document.activeElement);
    if (!step || at < 0) return;
    event.preventDefault();
    event.stopPropagation(); // not the page's own arrow keys (→ steps an epoch)
    const next = radios[(at + step + radios.length) % radios.length];
    next.focus();
    next.click();
  };
}
