// Starts the views and switches between them as the session changes.

import * as ipc from "./ipc.js";
import * as signin from "./views/signin.js";
import * as agent from "./views/agent.js";
import * as users from "./views/users.js";
import * as apiConsole from "./views/console.js";
import * as updates from "./views/updates.js";
import { $, showError, showView, showStorage, withProgress } from "./dom.js";

let profileMarked = false;

/** @param {import("./wire").Status} status */
function apply(status) {
  const signedIn = Boolean(status && status.signedIn);
  $("#nav").hidden = !signedIn;
  showStorage(status);
  if (signedIn) {
    agent.update(status);
    if ($("[data-testid=signin-view]").hidden === false) showView("agent");
    // A mark for the restore benchmark: when a profile first showed.
    if (!profileMarked) {
      profileMarked = true;
      const root = document.documentElement;
      requestAnimationFrame(() => {
        performance.mark("profile-shown");
        root.dataset.agentAt = String(performance.timeOrigin + performance.now());
      });
    }
  } else {
    users.reset();
    showView("signin");
    if (status && status.reason) showError(status.reason.message);
  }
}

// Comes back from the keychain without a browser step when it can.
const restore = () => showRestore(ipc.restoreSession(), 0);

// Applies a restore's answer, saying it is restoring once `after` ms pass
// without one (the launch restore usually answers in a few).
/**
 * @param {Promise<import("./wire").Status>} asked
 * @param {number} after
 */
async function showRestore(asked, after) {
  try {
    apply(await withProgress("Restoring your session…", asked, after));
  } catch (e) {
    showError(e.message, restore);
  }
}

// How long the launch restore may take before the window says it is
// restoring.
const RESTORE_QUIET_MS = 300;

// The users and console views are set up when first shown, not before
// the sign-in form is ready: only the nav shows them.
let viewsSetUp = false;
function setUpViews() {
  if (viewsSetUp) return;
  viewsSetUp = true;
  users.init();
  apiConsole.init();
}

async function start() {
  // Marks `BENCH_TRACE=1 make bench` prints: all modules loaded and run,
  // and the start-up call answered and applied.
  performance.mark("modules-run");
  /** @type {Promise<import("./wire").Status> | null} */
  let restoring = null;
  try {
    // All the window starts from, left by its first script on a first
    // load; asked for on a reload (`StartUp` in Rust says what it holds).
    const begun = ipc.takeLaunchStart() || (await ipc.startUp());
    // Asked at once, answered while the form is made.
    if (!begun.restored && !begun.restoreError) restoring = ipc.restoreSession();
    const about = begun.info;
    $("#app-about").textContent = `${about.name} ${about.version}`;
    agent.init(apply);
    for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll(".nav [data-view]"))) {
      button.addEventListener("click", () => {
        setUpViews();
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
    // A reload's answer may carry the restore's; else the form is ready
    // while the restore goes on, as for a user without a stored session.
    if (begun.restoreError) showError(begun.restoreError.message, restore);
    else if (begun.restored) apply(begun.restored);
    performance.mark("start-calls-answered");
  } catch (e) {
    showError(e.message);
  }
  // Marks tests and benchmarks wait for: the login form is interactive,
  // and when (ms since 1970, the clock Rust's timestamps use).
  requestAnimationFrame(() => {
    performance.mark("ready");
    document.documentElement.dataset.readyAt = String(performance.timeOrigin + performance.now());
    document.documentElement.dataset.ready = "true";
  });
  if (restoring) await showRestore(restoring, RESTORE_QUIET_MS);
}

start();
