// The floor for `make bench`: the least a Tauri window can do for the marks
// Engage Desk's UI sets. Ready: one frame after load. With a users list to
// load (the bench sets one), the Users button asks Rust for the first rows,
// paints them, and marks how long it took from the response arriving in
// Rust to the rows on screen. The bench clicks it once the window has
// settled, as it clicks Users in the app; BENCH_AUTOLOAD=1 loads at once.

const { invoke } = window.__TAURI__.core;

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
// Milliseconds since 1970, the clock Rust's timestamps use.
const epochMs = () => performance.timeOrigin + performance.now();

async function paintFirstRows(limit) {
  const view = document.querySelector("[data-testid=users-view]");
  delete view.dataset.paintMs;
  delete view.dataset.rowNodes;
  const first = await invoke("first_rows", { limit });
  const rows = document.createDocumentFragment();
  for (const user of first.rows) {
    const row = document.createElement("div");
    row.dataset.testid = "user-row";
    row.textContent = `${user.userId} ${user.name}`;
    rows.append(row);
  }
  view.replaceChildren(rows);
  await nextFrame();
  await nextFrame();
  view.dataset.paintMs = String(epochMs() - first.receivedAtMs);
  view.dataset.rowNodes = String(document.querySelectorAll("[data-testid=user-row]").length);
  view.dataset.total = String(first.total);
  view.dataset.parseMs = String(first.parseMs);
}

async function load(limit) {
  delete document.documentElement.dataset.error;
  try {
    await paintFirstRows(limit);
  } catch (e) {
    // The bench reads this instead of waiting for a mark that never comes.
    document.documentElement.dataset.error = String(e && e.message ? e.message : e);
  }
}

async function start() {
  await nextFrame();
  document.documentElement.dataset.readyAt = String(epochMs());
  document.documentElement.dataset.ready = "true";
  const config = await invoke("bench_config");
  if (!config) return;
  const button = document.querySelector("[data-testid=nav-users]");
  button.addEventListener("click", () => load(config.rows));
  button.hidden = false;
  if (config.autoload) load(config.rows);
}

start();
