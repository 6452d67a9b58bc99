// Small DOM helpers shared by the views.

export const $ = (selector, root = document) => root.querySelector(selector);

export function showError(message) {
  const banner = $("[data-testid=error-banner]");
  banner.textContent = message;
  banner.hidden = false;
}

export function clearError() {
  const banner = $("[data-testid=error-banner]");
  banner.textContent = "";
  banner.hidden = true;
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
