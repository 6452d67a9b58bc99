// Starts the views and switches between them as the session changes.

import * as ipc from "./ipc.js";
import * as signin from "./views/signin.js";
import * as agent from "./views/agent.js";
import * as users from "./views/users.js";
import * as apiConsole from "./views/console.js";
import * as updates from "./views/updates.js";
import { $, showError, showView, showStorage, withProgress } from "./dom.js";

/** @param {import("./wire").Status} status */
function apply(status) {
  const signedIn = Boolean(status && status.signedIn);
  $("#nav").hidden = !signedIn;
  showStorage(status);
  if (signedIn) {
    agent.update(status);
    if ($("[data-testid=signin-view]").hidden === false) showView("agent");
    // A mark for the restore benchmark: when a profile first showed.
    const root = document.documentElement;
    if (!root.dataset.agentAt) {
      requestAnimationFrame(() => (root.dataset.agentAt = String(performance.timeOrigin + performance.now())));
    }
  } else {
    users.reset();
    showView("signin");
    if (status && status.reason) showError(status.reason.message);
  }
}

// Comes back from the keychain without a browser step when it can. `asked`
// is a restore already under way (the one asked for at start-up).
async function restore(asked) {
  try {
    apply(await withProgress("Restoring your session…", asked instanceof Promise ? asked : ipc.restoreSession()));
  } catch (e) {
    showError(e.message, restore);
  }
}

async function start() {
  // Marks `BENCH_TRACE=1 make bench` prints: all modules loaded and run,
  // and the start-up calls answered.
  performance.mark("modules-run");
  try {
    // Ask for what start-up needs at once, not one after another. The
    // restore was begun in Rust at launch; this takes its answer (read
    // again there when signed in, so it is current) after the session
    // listener's first answer, so no later change is missed; it is applied
    // once the views are ready for it.
    const info = ipc.appInfo();
    const listening = ipc.onSession(apply);
    const restored = listening.then(() => ipc.restoreSession());
    const updating = updates.init();
    restored.catch(() => {}); // handled below, by restore()
    const about = await info;
    $("#app-about").textContent = `${about.name} ${about.version}`;
    agent.init(apply);
    users.init();
    apiConsole.init();
    for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll(".nav [data-view]"))) {
      button.addEventListener("click", () => {
        showView(button.dataset.view);
        if (button.dataset.view === "users") users.load();
        if (button.dataset.view === "console") apiConsole.show();
      });
    }
    await listening;
    await signin.init(
      about,
      (status) => {
        apply(status);
        showView("agent");
      },
      restore,
    );
    if (about.settingsWarning) showError(about.settingsWarning);
    await Promise.all([restore(restored), updating]);
    performance.mark("start-calls-answered");
  } catch (e) {
    showError(e.message);
  }
  // Marks tests and benchmarks wait for: the login form is interactive,
  // and when (ms since 1970, the clock Rust's timestamps use).
  requestAnimationFrame(() => {
    document.documentElement.dataset.readyAt = String(performance.timeOrigin + performance.now());
    document.documentElement.dataset.ready = "true";
  });
}

start();
