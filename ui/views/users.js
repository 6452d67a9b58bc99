// The users view: the account's users, flattened, with search and a count.
// The list is virtual: only the rows in view (plus a few) are in the DOM,
// so 100k users cost the same number of nodes as 100.

import * as ipc from "../ipc.js";
import { $, showError, clearError, withProgress } from "../dom.js";
import { matchesUser, userName, visibleRange } from "../format.js";

const ROW_HEIGHT = 32;
let all = [];
let shown = [];

function rowFor(user, index) {
  const row = document.createElement("div");
  row.className = "user-row";
  row.setAttribute("role", "listitem");
  row.dataset.testid = "user-row";
  row.dataset.userId = String(user.userId);
  row.tabIndex = 0;
  row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
  row.style.paddingLeft = `${8 + (user.parentPath || "").split("/").filter(Boolean).length * 12}px`;
  row.textContent = `${userName(user)} · ${user.userName || ""} · ${user.enabled === false ? "disabled" : "enabled"} · ${(user.roles || []).join(", ")}`;
  row.addEventListener("click", () => showDetails(user));
  row.addEventListener("keydown", (e) => e.key === "Enter" && showDetails(user));
  return row;
}

// Renders the rows in view; called on scroll and whenever `shown` changes.
function paint() {
  const list = $("#users-list");
  const [start, end] = visibleRange(list.scrollTop, list.clientHeight, ROW_HEIGHT, shown.length);
  const rows = [];
  for (let i = start; i < end; i++) rows.push(rowFor(shown[i], i));
  $("#users-rows").replaceChildren(...rows);
}

function render() {
  const query = $("[data-testid=users-search]").value;
  shown = query ? all.filter((u) => matchesUser(u, query)) : all;
  $("#users-rows").style.height = `${shown.length * ROW_HEIGHT}px`;
  $("[data-testid=users-count]").textContent = `${shown.length} of ${all.length}`;
  paint();
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
    showError(e.message, load);
  }
}

export function init() {
  $("[data-testid=users-search]").addEventListener("input", render);
  $("[data-testid=users-active-only]").addEventListener("change", load);
  $("[data-testid=users-refresh]").addEventListener("click", load);
  $("#users-list").addEventListener("scroll", () => requestAnimationFrame(paint), { passive: true });
}
