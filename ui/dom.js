// Small DOM helpers shared by the views.

// The views know their own markup; elements are not null-checked by type.
/** @type {(selector: string, root?: ParentNode) => any} */
export const $ = (selector, root = document) => root.querySelector(selector);

// Writes text only when it changes, so a live region speaks only then.
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// Shows an error; with `retry`, a Retry button that runs it.
/**
 * @param {string} message
 * @param {(() => unknown) | null} [retry]
 */
export function showError(message, retry = null) {
  $("#error-text").textContent = message;
  $("#error-box").hidden = false;
  const button = $("#retry");
  button.hidden = !retry;
  button.onclick = retry
    ? () => {
        clearError();
        retry();
      }
    : null;
}

export function clearError() {
  $("#error-text").textContent = "";
  $("#error-box").hidden = true;
  $("#retry").hidden = true;
}

// The "memory only" note when the keychain cannot keep the session.
/** @param {import("./wire").Status | null} status */
export function showStorage(status) {
  const note = $("[data-testid=storage-note]");
  const problem = status && status.storageError;
  note.hidden = !problem;
  note.textContent = problem ? `Memory only: ${problem.message}` : "";
}

// Shows a progress message while `promise` runs; returns its result.
export async function withProgress(message, promise, after = 0) {
  const el = $("[data-testid=progress]");
  let shown = false;
  const show = () => {
    el.textContent = message;
    el.hidden = false;
    shown = true;
  };
  // A wait that is over in a moment shows nothing, not a flicker.
  const timer = after > 0 ? setTimeout(show, after) : (show(), undefined);
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
    // Only its own message: another may have come since.
    if (shown && el.textContent === message) {
      el.hidden = true;
      el.textContent = "";
    }
  }
}

// Shows one view, hides the others.
export function showView(name) {
  for (const view of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-view-name]"))) {
    view.hidden = view.dataset.viewName !== name;
  }
  for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll(".nav [data-view]"))) {
    button.setAttribute("aria-current", button.dataset.view === name ? "page" : "false");
  }
}
