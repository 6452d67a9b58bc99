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

// Comes back from the keychain without a browser step when it can.
async function restore() {
  try {
    apply(await withProgress("Restoring your session…", ipc.restoreSession()));
  } catch (e) {
    showError(e.message, restore);
  }
}

async function start() {
  // Marks `BENCH_TRACE=1 make bench` prints: all modules loaded and run,
  // and the start-up call answered and applied.
  performance.mark("modules-run");
  try {
    // One call for all start-up needs: each IPC answer lands in a frame of
    // its own (`StartUp` in Rust says what it holds and in which order).
    const begun = await ipc.startUp();
    const about = begun.info;
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
    // From the session as it was before the restore: no later change is
    // missed.
    ipc.onSession(apply, begun.session);
    updates.init(begun.update, begun.updatePrefs);
    signin.init(
      about,
      begun.redirectUri,
      (status) => {
        apply(status);
        showView("agent");
      },
      restore,
    );
    if (about.settingsWarning) showError(about.settingsWarning);
    // The restore begun at launch has usually answered by now; when a slow
    // server holds it, the form shows while it goes on.
    if (begun.restoreError) showError(begun.restoreError.message, restore);
    else if (begun.restored) apply(begun.restored);
    else await restore();
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
