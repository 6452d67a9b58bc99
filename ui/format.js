// Pure formatting helpers (unit-tested with node --test).

export function agentName(agent) {
  const name = [agent.firstName, agent.lastName].filter(Boolean).join(" ").trim();
  return name || agent.username || `Agent ${agent.agentId}`;
}

// "4 min 05 s", "12 s", "now".
export function countdown(ms) {
  if (!Number.isFinite(ms) || ms <= 0) return "now";
  const total = Math.round(ms / 1000);
  const min = Math.floor(total / 60);
  const sec = total % 60;
  return min > 0 ? `${min} min ${String(sec).padStart(2, "0")} s` : `${sec} s`;
}

export function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return String(url || "");
  }
}

// Which rows of a virtual list to render: the visible ones plus `overscan`
// on each side. Returns [start, end) indices, clamped to the list.
export function visibleRange(scrollTop, viewportHeight, rowHeight, total, overscan = 8) {
  if (total <= 0 || rowHeight <= 0) return [0, 0];
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return [Math.min(start, end), end];
}

// The rows to ask Rust for around a visible range: the range plus a margin
// each side, so small scrolls are served from what the window already has.
export function blockFor(start, end, margin = 60) {
  const offset = Math.max(0, start - margin);
  return { offset, limit: Math.max(0, end - offset) + margin };
}

// Whether a fetched block holds every row of [start, end).
export function covers(block, start, end) {
  return Boolean(block) && start >= block.offset && end <= block.offset + block.rows.length;
}

// Clicking a column header: ascending, then descending, then back to the
// server's tree order.
/**
 * @param {{sort: import("./wire").SortKey, descending: boolean}} current
 * @param {import("./wire").SortKey} column
 * @returns {{sort: import("./wire").SortKey, descending: boolean}}
 */
export function nextSort(current, column) {
  if (current.sort !== column) return { sort: column, descending: false };
  if (!current.descending) return { sort: column, descending: true };
  return { sort: "tree", descending: false };
}

export function ariaSort(current, column) {
  if (current.sort !== column) return "none";
  return current.descending ? "descending" : "ascending";
}

// One field of a user in the details view.
export function fieldText(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value);
}

// "14:03:07" in the user's time zone, from ms since 1970. Always 24-hour:
// a locale's format would load ICU's date formatting into the web process
// (about 2 MiB) for one label.
export function clockTime(ms) {
  if (!Number.isFinite(ms) || ms <= 0) return "";
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

// "3 of 300"; the count the users view shows. While a long list is still
// read, the counts are of its first rows only, and say so.
export function countText(matched, total, complete = true) {
  return complete ? `${matched} of ${total}` : `First ${matched} shown, reading the rest…`;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

// Checks a server address as typed, before anything is sent. Returns an
// error sentence, or "" when it is fine. (Rust checks again.)
export function checkServer(value) {
  const text = String(value || "").trim();
  if (!text) return "Enter the server address, like https://platform.ringcentral.com.";
  let url;
  try {
    url = new URL(text);
  } catch {
    return "This is not a web address. It starts with https://.";
  }
  if (url.protocol === "https:") return "";
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return "";
  return "Use an https:// address (plain http only works for this computer, like http://127.0.0.1).";
}

// The preset a server pair matches, or "custom".
export function presetFor(rc, ringcx, presets) {
  const norm = (u) => String(u || "").trim().replace(/\/+$/, "");
  const hit = presets.find((p) => norm(p.rc) === norm(rc) && norm(p.ringcx) === norm(ringcx));
  return hit ? hit.id : "custom";
}
