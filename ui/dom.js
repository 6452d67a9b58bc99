// Small DOM helpers shared by the views.

export const $ = (selector, root = document) => root.querySelector(selector);

// Writes text only when it changes, so a live region speaks only then.
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// Shows an error; with `retry`, a Retry button that runs it.
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
export function showStorage(status) {
  const note = $("[data-testid=storage-note]");
  const problem = status && status.storage_error;
  note.hidden = !problem;
  note.textContent = problem ? `Memory only: ${problem.message}` : "";
}

// Shows a progress message while `promise` runs; returns its result.
export async function withProgress(message, promise) {
  const el = $("[data-testid=progress]");
  el.textContent = message;
  el.hidden = false;
  try {
    return await promise;
  } finally {
    el.hidden = true;
    el.textContent = "";
  }
}

// Shows one view, hides the others.
export function showView(name) {
  for (const view of document.querySelectorAll("[data-view-name]")) {
    view.hidden = view.dataset.viewName !== name;
  }
  for (const button of document.querySelectorAll(".nav [data-view]")) {
    button.setAttribute("aria-current", button.dataset.view === name ? "page" : "false");
  }
}
