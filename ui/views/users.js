// The users view: the account's users, flattened, with search and a count.
// (Virtualized rendering, sorting and details come with the window work.)

import * as ipc from "../ipc.js";
import { $, showError, clearError, withProgress } from "../dom.js";
import { matchesUser, userName } from "../format.js";

let all = [];
const MAX_ROWS = 500;

function render() {
  const query = $("[data-testid=users-search]").value;
  const shown = all.filter((u) => matchesUser(u, query));
  const list = $("#users-list");
  list.replaceChildren(
    ...shown.slice(0, MAX_ROWS).map((u) => {
      const row = document.createElement("div");
      row.className = "user-row";
      row.setAttribute("role", "listitem");
      row.dataset.testid = "user-row";
      row.dataset.userId = String(u.userId);
      row.tabIndex = 0;
      row.style.paddingLeft = `${8 + Math.max(0, (u.parentPath || "").split("/").filter(Boolean).length) * 12}px`;
      row.textContent = `${userName(u)} · ${u.userName || ""} · ${u.enabled === false ? "disabled" : "enabled"} · ${(u.roles || []).join(", ")}`;
      row.addEventListener("click", () => showDetails(u));
      row.addEventListener("keydown", (e) => e.key === "Enter" && showDetails(u));
      return row;
    }),
  );
  $("[data-testid=users-count]").textContent = `${shown.length} of ${all.length}`;
}

function showDetails(user) {
  const el = $("[data-testid=user-details]");
  el.textContent = JSON.stringify(user, null, 2);
  el.hidden = false;
}

export async function load() {
  clearError();
  const activeOnly = $("[data-testid=users-active-only]").checked;
  try {
    all = await withProgress("Loading users…", ipc.users(activeOnly, true));
    render();
  } catch (e) {
    all = [];
    render();
    showError(e.message);
  }
}

export function init() {
  $("[data-testid=users-search]").addEventListener("input", render);
  $("[data-testid=users-active-only]").addEventListener("change", load);
  $("[data-testid=users-refresh]").addEventListener("click", load);
}
