// Small DOM helpers: elements built from data (never HTML strings), a confirmation dialog, copy buttons and a polite
// live region for screen readers.

/**
 * Builds an element. `props` sets attributes (`class`, `aria-*`, `for`, …), properties for `value`/`checked`/`disabled`,
 * and `on*` functions as event listeners; children are nodes, strings (text) or null (skipped).
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value" || key === "checked" || key === "disabled" || key === "hidden") {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let dialogCount = 0;

/**
 * Asks before a destructive step with a modal dialog; resolves true when confirmed. Escape or "Cancel" resolve false.
 * The confirm button carries `confirmLabel` so it says what happens ("Delete line"), never just "OK".
 */
export function confirmStep({ title, text, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    const id = `confirm-${++dialogCount}`;
    const cancel = h("button", { type: "button", class: "button" }, "Cancel");
    const confirm = h("button", { type: "button", class: danger ? "button danger" : "button primary" }, confirmLabel);
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-text` },
      h("h2", { id: `${id}-title` }, title),
      h("p", { id: `${id}-text` }, text),
      h("div", { class: "row end" }, cancel, confirm));
    let answered = false;
    const finish = (answer) => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener("click", () => finish(false));
    confirm.addEventListener("click", () => finish(true));
    dialog.addEventListener("close", () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** A button that copies `text()` to the clipboard and says so. */
export function copyButton(label, text) {
  const button = h("button", { type: "button", class: "button small" }, label);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.textContent = "Copied";
      announce("Copied to the clipboard.");
    } catch {
      button.textContent = "Select and copy by hand";
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return button;
}

/** Says `message` to screen readers through the page's polite live region. */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (region) {
    region.textContent = "";
    setTimeout(() => { region.textContent = message; }, 50);
  }
}

/** A small form field: label, control and an optional hint, wired together for assistive technology. */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const children = [h("label", { for: id }, label), control];
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    children.push(h("p", { class: "hint", id: hintId }, hint));
  }
  return h("div", { class: "field" }, children);
}

/** Shows `error` (an ApiError or any Error) in `element`, or clears it when null. */
export function showError(element, error) {
  if (!error) {
    element.hidden = true;
    element.textContent = "";
    return;
  }
  element.hidden = false;
  element.textContent = error.message || String(error);
}
