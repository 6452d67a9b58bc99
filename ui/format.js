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

export function userName(user) {
  return user.fullName || [user.firstName, user.lastName].filter(Boolean).join(" ") || user.userName || `User ${user.userId}`;
}

// Case-insensitive match on name, user name and id.
export function matchesUser(user, query) {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [userName(user), user.userName, String(user.userId)].some((v) => v && v.toLowerCase().includes(q));
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
