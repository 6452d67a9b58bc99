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
