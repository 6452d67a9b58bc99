// Updates: a start-up check only when the user turned it on, an "update
// available" banner, and an install only after the user says yes.

import * as ipc from "../ipc.js";
import { $, showError } from "../dom.js";

function offer(info) {
  $("#update-text").textContent = `Engage Desk ${info.version} is available (you have ${info.currentVersion}).`;
  $("[data-testid=update-banner]").hidden = false;
}

async function install() {
  const button = $("[data-testid=update-install]");
  button.disabled = true;
  $("#update-text").textContent = "Downloading and checking the update…";
  try {
    await ipc.installUpdate(); // restarts the app when it succeeds
  } catch (e) {
    $("[data-testid=update-banner]").hidden = true;
    showError(e.message);
  } finally {
    button.disabled = false;
  }
}

async function checkNow() {
  const result = $("#update-result");
  result.textContent = "Checking…";
  try {
    const info = await ipc.checkUpdate();
    result.textContent = info ? "" : "You have the latest version.";
    if (info) offer(info);
  } catch (e) {
    result.textContent = "";
    showError(e.message);
  }
}

/**
 * @param {import("../wire").Change<import("../wire").UpdateInfo | null>} feed the update feed as start-up read it
 * @param {import("../wire").UpdatePrefs} prefs read after it, so an update found in between is offered once either way
 */
export function init(feed, prefs) {
  ipc.onUpdate(offer, feed);
  $("[data-testid=update-install]").addEventListener("click", install);
  $("[data-testid=update-later]").addEventListener("click", () => {
    $("[data-testid=update-banner]").hidden = true;
  });
  $("[data-testid=update-check-now]").addEventListener("click", checkNow);
  const box = $("[data-testid=update-check-on-start]");
  box.addEventListener("change", async () => {
    try {
      box.checked = (await ipc.setUpdateCheck(box.checked)).checkOnStart;
    } catch (e) {
      showError(e.message);
    }
  });
  // A build without an update channel offers no update controls.
  $("#update-prefs").hidden = !prefs.channel;
  $("#update-check-now").hidden = !prefs.channel;
  box.checked = prefs.checkOnStart;
  if (prefs.pending) offer(prefs.pending);
}
