// Starts the views once the DOM is there.

import * as ipc from "./ipc.js";
import * as signin from "./views/signin.js";
import { $, showError } from "./dom.js";

async function start() {
  try {
    const info = await ipc.appInfo();
    $("#app-about").textContent = `${info.name} ${info.version}`;
    await signin.init();
  } catch (e) {
    showError(e.message);
  }
  // A mark tests and benchmarks wait for: the login form is interactive.
  document.documentElement.dataset.ready = "true";
}

start();
