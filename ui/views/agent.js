// The agent view (the "Agent profile" nav entry): who RingCX says you are,
// the agent picker, the session status with a live countdown to the next
// renewal, and sign-out. (A saved configuration is a "profile"; see signin.js.)

import * as ipc from "../ipc.js";
import { $, showError, clearError, withProgress, setText } from "../dom.js";
import { agentName, countdown, hostOf } from "../format.js";

/** @type {import("../wire").Status | null} */
let status = null;
let timer = null;
/** @type {(status: import("../wire").Status) => void} */
let onSignedOut = () => {};

const set = (selector, value) => {
  $(selector).textContent = value === null || value === undefined || value === "" ? "—" : String(value);
};
const yesNo = (v) => (v === true ? "Yes" : v === false ? "No" : "—");

function renderAgent() {
  const identity = status && status.identity;
  const agents = (identity && identity.details.agentDetails) || [];
  const current = agents.find((a) => identity && a.agentId === identity.agentId) || null;
  $("[data-testid=no-agent]").hidden = agents.length > 0;
  $("#agent-details").hidden = agents.length === 0;
  $("#agent-picker").hidden = agents.length < 2;
  const select = $("[data-testid=agent-select]");
  select.replaceChildren(
    ...agents.map((a) => new Option(`${agentName(a)} · ${a.accountName || a.accountId || ""}`, String(a.agentId), false, a === current)),
  );
  const d = identity ? identity.details : null;
  const a = current;
  set("[data-testid=agent-name]", a ? agentName(a) : "");
  set("[data-testid=agent-email]", a && a.email);
  set("#agent-username", a && a.username);
  set("[data-testid=agent-id]", a && a.agentId);
  set("#agent-type", a && a.agentType);
  set("#agent-rc-user-id", a && a.rcUserId);
  set("[data-testid=account-id]", a && a.accountId);
  set("[data-testid=account-name]", a && a.accountName);
  set("[data-testid=main-account-id]", d && d.mainAccountId);
  set("#agent-group", a && a.agentGroupId);
  set("#sso-login", yesNo(d && d.ssoLogin));
  set("#login-flags", a ? `Control: ${yesNo(a.allowLoginControl)} · Updates: ${yesNo(a.allowLoginUpdates)}` : "");
}

// The summary is a live region and changes only on sign-in, renewal and
// sign-out; the countdown ticks every second outside it, so a screen reader
// is not told the time every second.
function renderStatus() {
  const summary = $("#session-summary");
  const tick = $("#session-countdown");
  if (!status || !status.signedIn) {
    setText(summary, "Signed out.");
    tick.textContent = "";
    return;
  }
  const renewed = `Renewed ${status.renewals} time${status.renewals === 1 ? "" : "s"}.`;
  setText(summary, `Signed in to ${hostOf(status.rcServer)} and ${hostOf(status.ringcxServer)}. ${renewed}`);
  tick.textContent = status.ringcxRenewsAt ? `RingCX token renews in ${countdown(status.ringcxRenewsAt - Date.now())}.` : "";
}


/** @param {import("../wire").Status} next */
export function update(next) {
  status = next;
  renderAgent();
  renderStatus();
}

async function chooseAgent() {
  const id = Number($("[data-testid=agent-select]").value);
  try {
    const identity = await ipc.selectAgent(id);
    if (status) update({ ...status, identity });
  } catch (e) {
    showError(e.message);
  }
}

async function signOut() {
  clearError();
  try {
    const next = await withProgress("Signing out…", ipc.signOut());
    onSignedOut(next);
  } catch (e) {
    showError(e.message);
  }
}

function askCopyToken() {
  $("#copy-token-result").textContent = "";
  $("#copy-token-confirm").hidden = false;
  $("[data-testid=copy-token-cancel]").focus();
}

async function copyToken() {
  $("#copy-token-confirm").hidden = true;
  try {
    await ipc.copyToken();
    $("#copy-token-result").textContent = "Copied to the clipboard.";
  } catch (e) {
    showError(e.message);
  }
  $("[data-testid=copy-token]").focus();
}

/** @param {(status: import("../wire").Status) => void} signedOut */
export function init(signedOut) {
  onSignedOut = signedOut;
  $("[data-testid=copy-token]").addEventListener("click", askCopyToken);
  $("[data-testid=copy-token-confirm]").addEventListener("click", copyToken);
  $("[data-testid=copy-token-cancel]").addEventListener("click", () => {
    $("#copy-token-confirm").hidden = true;
    $("[data-testid=copy-token]").focus();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("#copy-token-confirm").hidden) $("[data-testid=copy-token-cancel]").click();
  });
  $("[data-testid=agent-select]").addEventListener("change", chooseAgent);
  $("[data-testid=signout]").addEventListener("click", signOut);
  clearInterval(timer);
  timer = setInterval(renderStatus, 1000);
}
