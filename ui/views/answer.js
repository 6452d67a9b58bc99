// The console's answer: text as text, and JSON as lines kept in Rust. The
// window asks for the lines in view (plus a margin), so a 20 MB answer costs
// the same number of nodes as a small one; folding and filtering happen in
// Rust too.

import * as ipc from "../ipc.js";
import { $, showError, setText } from "../dom.js";
import { blockFor, covers, visibleRange } from "../format.js";

const ROW_HEIGHT = 20;
const INDENT = 16; // pixels a level
const MAX_INDENT = 40; // levels; deeper lines stay at this indent

let total = 0; // rows in the view (folds or filter applied)
let block = null; // {offset, rows} last fetched
let inflight = null; // {offset, limit} being fetched
let seq = 0; // drops answers to questions no longer asked
let json = false; // the answer is paged JSON
let markPaint = false; // set the paint mark once the first rows show

const box = () => $("[data-testid=console-response]");
const filterText = () => /** @type {HTMLInputElement} */ ($("[data-testid=console-filter]")).value;

function rowFor(row, index) {
  const el = document.createElement("div");
  el.className = "json-row";
  el.dataset.line = String(row.line);
  el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
  el.style.paddingLeft = `${8 + Math.min(row.depth, MAX_INDENT) * INDENT}px`;
  if (row.fold !== "none") {
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "json-fold";
    toggle.dataset.testid = "console-fold";
    const folded = row.fold === "folded";
    toggle.setAttribute("aria-expanded", String(!folded));
    toggle.setAttribute("aria-label", `${folded ? "Unfold" : "Fold"} line ${row.line + 1} (${row.items} items)`);
    toggle.addEventListener("click", () => fold(row.line, !folded));
    el.append(toggle);
  } else {
    el.classList.add("leaf");
  }
  if (row.path) {
    const path = document.createElement("span");
    path.className = "json-path";
    path.textContent = row.path;
    el.append(path);
  }
  const text = document.createElement("span");
  text.textContent = row.text;
  el.append(text);
  if (row.fold === "folded") {
    const count = document.createElement("span");
    count.className = "muted";
    count.textContent = `  ${row.items} ${row.items === 1 ? "item" : "items"}`;
    el.append(count);
  }
  return el;
}

// Renders the rows in view; asks Rust for a block when the view has
// scrolled past the one it has.
function paint() {
  if (!json) return;
  const [start, end] = visibleRange(box().scrollTop, box().clientHeight, ROW_HEIGHT, total);
  const asked = inflight && start >= inflight.offset && end <= inflight.offset + inflight.limit;
  if (!covers(block, start, end) && total > 0 && !asked) fetchBlock(start, end);
  const rows = [];
  if (block) {
    const from = Math.max(start, block.offset);
    const to = Math.min(end, block.offset + block.rows.length);
    for (let i = from; i < to; i++) rows.push(rowFor(block.rows[i - block.offset], i));
  }
  $("#console-json").replaceChildren(...rows);
  if (markPaint && rows.length > 0) {
    markPaint = false;
    // Two frames: the rows are laid out and painted.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        $("[data-testid=console-view]").dataset.paintedAt = String(performance.timeOrigin + performance.now());
      }),
    );
  }
}

async function fetchBlock(start, end) {
  const mine = ++seq;
  const { offset, limit } = blockFor(start, end);
  inflight = { offset, limit };
  try {
    const page = await ipc.consoleLines({ filter: filterText(), start: offset, count: limit });
    if (mine !== seq) return;
    inflight = null;
    block = { offset: page.start, rows: page.rows };
    setTotal(page.total, page.lines);
    paint();
  } catch (e) {
    if (mine !== seq) return;
    inflight = null;
    showError(e.message);
  }
}

function setTotal(rows, lines) {
  total = rows;
  $("#console-json").style.height = `${rows * ROW_HEIGHT}px`;
  const filtering = filterText() !== "";
  setText(
    $("#console-lines"),
    filtering ? `${rows.toLocaleString()} of ${lines.toLocaleString()} lines match` : `${lines.toLocaleString()} lines`,
  );
  $("#console-no-match").hidden = !(filtering && rows === 0);
}

// From the top again: a new answer or filter.
function requery() {
  block = null;
  inflight = null;
  box().scrollTop = 0;
  const [start, end] = visibleRange(0, box().clientHeight, ROW_HEIGHT, Number.MAX_SAFE_INTEGER);
  return fetchBlock(start, end);
}

async function fold(line, folded) {
  try {
    await ipc.consoleFold({ line, folded });
    block = null;
    inflight = null;
    const [start, end] = visibleRange(box().scrollTop, box().clientHeight, ROW_HEIGHT, Number.MAX_SAFE_INTEGER);
    await fetchBlock(start, end);
    /** @type {HTMLElement | null} */ (document.querySelector(`#console-json [data-line="${line}"] .json-fold`))?.focus();
  } catch (e) {
    showError(e.message);
  }
}

/**
 * Shows an answer: JSON paged from Rust, anything else as its text.
 * @param {import("../wire").Answer} answer
 */
export function show(answer) {
  json = answer.kind === "json" && answer.lines > 0;
  seq++;
  block = null;
  inflight = null;
  total = 0;
  $("#console-json").replaceChildren();
  $("#console-json").style.height = "0px";
  $("#console-json").hidden = !json;
  $("#console-filter-box").hidden = !json;
  $("#console-no-match").hidden = true;
  /** @type {HTMLInputElement} */ ($("[data-testid=console-filter]")).value = "";
  setText($("#console-lines"), "");
  const more = answer.truncated ? "\n… (the answer is longer than the console shows: Save to file… has all of it)" : "";
  $("#console-text").textContent = json ? "" : answer.text + more;
  $("#console-text").hidden = json;
  $("[data-testid=console-copy-secret]").hidden = answer.kind !== "withheld";
  delete $("[data-testid=console-view]").dataset.paintedAt;
  if (json) {
    markPaint = true;
    requery();
  }
}

export function init() {
  box().addEventListener("scroll", () => requestAnimationFrame(paint), { passive: true });
  window.addEventListener("resize", () => requestAnimationFrame(paint));
  // "change" too: a field cleared by a script (or WebDriver) fires no input.
  for (const kind of ["input", "change"]) $("[data-testid=console-filter]").addEventListener(kind, () => requery());
  $("[data-testid=console-copy-secret]").addEventListener("click", async () => {
    try {
      const copied = await ipc.consoleCopySecret();
      setText($("#console-saved"), copied ? "Copied to the clipboard. Paste it where it is needed, then clear the clipboard." : "Not copied.");
    } catch (e) {
      showError(e.message);
    }
  });
}
