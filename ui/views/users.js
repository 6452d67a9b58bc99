// The users view: the account's users, flattened, searched and sorted in
// Rust. The window asks for the rows in view (plus a margin) and renders
// only those, so 100k users cost the same number of nodes as 100.

import * as ipc from "../ipc.js";
import { $, showError, clearError, withProgress, setText } from "../dom.js";
import { ariaSort, blockFor, clockTime, countText, covers, fieldText, nextSort, visibleRange } from "../format.js";

const ROW_HEIGHT = 32;
const MAX_INDENT = 8;

let total = 0;
let matched = 0;
/** @type {{sort: import("../wire").SortKey, descending: boolean}} */
let order = { sort: "tree", descending: false };
let block = null; // {offset, rows} last fetched for the current search and order
let seq = 0; // drops answers to questions no longer asked
let inflight = null; // {offset, limit} being fetched
let focusIndex = 0; // the row that takes Tab focus (roving tabindex)
let detailsFor = null; // {userId, index} of the open details
let focusInRows = false; // keyboard focus belongs in the list, across repaints
let loading = null; // the users load under way
let reloadAfter = false; // another load was asked for meanwhile
let lastText = ""; // the search the list shows
let resets = 0; // sign-outs: a load begun before one says nothing after it

const list = () => $("#users-list");
const searchText = () => $("[data-testid=users-search]").value;

function cell(text, className) {
  const el = document.createElement("div");
  el.setAttribute("role", "cell");
  el.className = className || "";
  el.textContent = text;
  el.title = text;
  return el;
}

function rowFor(row, index) {
  const el = document.createElement("div");
  el.className = "user-row users-cols";
  el.setAttribute("role", "row");
  el.setAttribute("aria-rowindex", String(index + 2));
  el.dataset.testid = "user-row";
  el.dataset.userId = String(row.userId);
  el.dataset.index = String(index);
  el.tabIndex = index === focusIndex ? 0 : -1;
  el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
  const name = cell(row.name, "name");
  name.style.paddingLeft = `${8 + Math.min(row.depth, MAX_INDENT) * 14}px`;
  if (row.depth > 0) name.title = `${row.name} (level ${row.depth}, under ${row.parentPath})`;
  el.append(
    name,
    cell(row.userName),
    cell(row.enabled ? "Yes" : "No", row.enabled ? "" : "off"),
    cell(row.roles),
    cell(row.rcUserId, "mono"),
    cell(row.created ? row.created.slice(0, 16).replace("T", " ") : "", "mono"),
  );
  return el;
}

// Renders the rows in view from the fetched block; asks Rust for a new
// block when the view has scrolled past it.
function paint() {
  const [start, end] = visibleRange(list().scrollTop, list().clientHeight, ROW_HEIGHT, matched);
  const asked = inflight && start >= inflight.offset && end <= inflight.offset + inflight.limit;
  if (!covers(block, start, end) && matched > 0 && !asked) {
    fetchBlock(start, end);
  }
  const rows = [];
  if (block) {
    const from = Math.max(start, block.offset);
    const to = Math.min(end, block.offset + block.rows.length);
    for (let i = from; i < to; i++) rows.push(rowFor(block.rows[i - block.offset], i));
  }
  $("#users-rows").replaceChildren(...rows);
  // A repaint replaces the focused row's node: give focus to its successor.
  if (focusInRows) {
    const el = $(`#users-rows [data-index="${focusIndex}"]`);
    if (el && document.activeElement !== el) el.focus({ preventScroll: true });
  }
  return rows.length;
}

async function fetchBlock(start, end) {
  const mine = ++seq;
  const { offset, limit } = blockFor(start, end);
  inflight = { offset, limit };
  try {
    const page = await ipc.usersPage({ text: searchText(), sort: order.sort, descending: order.descending, offset, limit });
    if (mine !== seq) return;
    inflight = null;
    block = { offset: page.offset, rows: page.rows };
    setCounts(page.matched, page.total, page.complete);
    paint();
  } catch (e) {
    if (mine !== seq) return;
    inflight = null;
    showError(e.message, load);
  }
}

function setCounts(m, t, complete = true) {
  matched = m;
  total = t;
  $("#users-rows").style.height = `${matched * ROW_HEIGHT}px`;
  $("#users-table").setAttribute("aria-rowcount", String(matched + 1));
  setText($("[data-testid=users-count]"), countText(matched, total, complete));
  const empty = $("#users-empty");
  empty.hidden = matched > 0;
  empty.textContent = total === 0 ? "No users to show." : "No user matches this search.";
}

// A new search or order: start again from the top.
async function requery() {
  block = null;
  inflight = null;
  focusIndex = 0;
  list().scrollTop = 0;
  const [start, end] = visibleRange(0, list().clientHeight, ROW_HEIGHT, Number.MAX_SAFE_INTEGER);
  await fetchBlock(start, end);
}

function renderSortHeaders() {
  for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("#users-table [data-sort]"))) {
    button.parentElement?.setAttribute("aria-sort", ariaSort(order, button.dataset.sort));
  }
}


/** @type {() => Promise<void>} */
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

// Loads the list; a load asked for while one runs happens once after it.
export async function load() {
  if (loading) {
    reloadAfter = true;
    return loading;
  }
  loading = loadOnce();
  try {
    await loading;
  } finally {
    loading = null;
  }
  if (reloadAfter) {
    reloadAfter = false;
    await load();
  }
}

async function loadOnce() {
  const era = resets;
  clearError();
  closeDetails(false);
  const view = $("[data-testid=users-view]");
  delete view.dataset.paintedAt;
  delete view.dataset.settledAt;
  delete view.dataset.rowNodes;
  const activeOnly = $("[data-testid=users-active-only]").checked;
  $("[data-testid=users-refresh]").disabled = true;
  try {
    const loaded = await withProgress("Loading users…", ipc.usersLoad(activeOnly));
    $("#users-loaded").textContent = `Loaded ${clockTime(Date.now())}`;
    await requery();
    // Marks for the paint benchmark, which reads when the response came from
    // the app's log: two frames after the rows went in.
    await nextFrame();
    await nextFrame();
    performance.mark("users-painted");
    view.dataset.paintedAt = String(performance.timeOrigin + performance.now());
    view.dataset.rowNodes = String(document.querySelectorAll("[data-testid=user-row]").length);
    if (!loaded.complete) {
      // A long list showed its first rows; the counts, search and order
      // are of the whole list once Rust has read the rest.
      await ipc.usersSettled();
      if (era !== resets) return;
      const [start, end] = visibleRange(list().scrollTop, list().clientHeight, ROW_HEIGHT, Number.MAX_SAFE_INTEGER);
      await fetchBlock(start, end);
    }
    // And when the whole list is in: search, order and counts are of all of it.
    view.dataset.settledAt = String(performance.timeOrigin + performance.now());
  } catch (e) {
    // Signed out meanwhile: the sign-in view has its own words.
    if (era !== resets) return;
    clearRows();
    // No role: the message says which one; a retry would not help.
    showError(e.message, e.code === "needs_manage_users" ? null : load);
  } finally {
    $("[data-testid=users-refresh]").disabled = false;
  }
}

function clearRows() {
  seq++;
  block = null;
  inflight = null;
  focusIndex = 0;
  setCounts(0, 0);
  // No rows to paint; not paint(), whose read of the list's height makes
  // WebKit lay out the whole page there and then (9 ms at start-up, where
  // a signed-out window resets a list it never had).
  $("#users-rows").replaceChildren();
}

// Forgets the last account's list: on sign-out, before another account's.
export function reset() {
  resets++;
  closeDetails(false);
  clearRows();
  $("[data-testid=users-count]").textContent = "";
  $("#users-loaded").textContent = "";
  $("[data-testid=users-search]").value = "";
  lastText = "";
}

// ---- details ----

async function showDetails(userId, index) {
  try {
    const user = await ipc.userDetails(userId);
    detailsFor = { userId, index };
    const fields = [];
    for (const [key, value] of Object.entries(user)) {
      const dt = document.createElement("dt");
      dt.textContent = key;
      const dd = document.createElement("dd");
      dd.textContent = fieldText(value);
      fields.push(dt, dd);
    }
    $("#user-details-fields").replaceChildren(...fields);
    const name = block && block.rows[index - block.offset];
    $("#user-details-title").textContent = name ? name.name : `User ${userId}`;
    $("#user-details-result").textContent = "";
    $("[data-testid=user-details]").hidden = false;
    $("[data-testid=user-details-close]").focus();
  } catch (e) {
    showError(e.message);
  }
}

function closeDetails(refocus = true) {
  const panel = $("[data-testid=user-details]");
  if (panel.hidden) return;
  panel.hidden = true;
  if (refocus && detailsFor) focusRow(detailsFor.index);
  detailsFor = null;
}

async function copyJson() {
  if (!detailsFor) return;
  try {
    await ipc.copyUserJson(detailsFor.userId);
    $("#user-details-result").textContent = "Copied.";
  } catch (e) {
    showError(e.message);
  }
}

// ---- keyboard ----

function focusRow(index) {
  if (matched === 0) return;
  focusIndex = Math.max(0, Math.min(matched - 1, index));
  const top = focusIndex * ROW_HEIGHT;
  const l = list();
  if (top < l.scrollTop) l.scrollTop = top;
  else if (top + ROW_HEIGHT > l.scrollTop + l.clientHeight) l.scrollTop = top + ROW_HEIGHT - l.clientHeight;
  paint();
  const el = $(`#users-rows [data-index="${focusIndex}"]`);
  if (el) el.focus();
}

function onRowKey(e) {
  const row = e.target.closest("[data-testid=user-row]");
  if (!row) return;
  const index = Number(row.dataset.index);
  const pageRows = Math.max(1, Math.floor(list().clientHeight / ROW_HEIGHT) - 1);
  const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows };
  if (e.key in moves) focusRow(index + moves[e.key]);
  else if (e.key === "Home") focusRow(0);
  else if (e.key === "End") focusRow(matched - 1);
  else if (e.key === "Enter" || e.key === " ") showDetails(Number(row.dataset.userId), index);
  else return;
  e.preventDefault();
}

// Search as you type; `change` also covers a field cleared without typing.
function onSearch() {
  if (searchText() === lastText) return;
  lastText = searchText();
  requery();
}

export function init() {
  $("[data-testid=users-search]").addEventListener("input", onSearch);
  $("[data-testid=users-search]").addEventListener("change", onSearch);
  $("[data-testid=users-search]").addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      focusRow(0);
    }
  });
  $("[data-testid=users-active-only]").addEventListener("change", load);
  $("[data-testid=users-refresh]").addEventListener("click", load);
  for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("#users-table [data-sort]"))) {
    button.addEventListener("click", () => {
      order = nextSort(order, /** @type {import("../wire").SortKey} */ (button.dataset.sort));
      renderSortHeaders();
      requery();
    });
  }
  const rows = $("#users-rows");
  rows.addEventListener("focusin", () => (focusInRows = true));
  // Focus leaving for another element ends it; a removed node (relatedTarget
  // null, during a repaint) does not.
  rows.addEventListener("focusout", (e) => {
    if (e.relatedTarget && !rows.contains(e.relatedTarget)) focusInRows = false;
  });
  rows.addEventListener("click", (e) => {
    const row = e.target.closest("[data-testid=user-row]");
    if (!row) return;
    focusIndex = Number(row.dataset.index);
    showDetails(Number(row.dataset.userId), focusIndex);
  });
  rows.addEventListener("keydown", onRowKey);
  list().addEventListener("scroll", () => requestAnimationFrame(paint), { passive: true });
  $("[data-testid=user-details-close]").addEventListener("click", () => closeDetails());
  $("[data-testid=user-details-copy]").addEventListener("click", copyJson);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("[data-testid=user-details]").hidden) closeDetails();
  });
  renderSortHeaders();
}
