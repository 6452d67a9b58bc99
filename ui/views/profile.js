// The profile view: the current agent, the agent picker, the session status
// with a live countdown to the next renewal, and sign-out.

import * as ipc from "../ipc.js";
import { $, showError, clearError, withProgress, setText } from "../dom.js";
import { agentName, countdown, hostOf } from "../format.js";

let status = null;
let timer = null;
let onSignedOut = () => {};

const set = (selector, value) => {
  $(selector).textContent = value === null || value === undefined || value === "" ? "—" : String(value);
};
const yesNo = (v) => (v === true ? "Yes" : v === false ? "No" : "—");

function renderAgent() {
  const profile = status && status.profile;
  const agents = (profile && profile.details.agentDetails) || [];
  const current = agents.find((a) => a.agentId === profile.agent_id) || null;
  $("[data-testid=no-agent]").hidden = agents.length > 0;
  $("#agent-details").hidden = agents.length === 0;
  $("#agent-picker").hidden = agents.length < 2;
  const select = $("[data-testid=agent-select]");
  select.replaceChildren(
    ...agents.map((a) => new Option(`${agentName(a)} · ${a.accountName || a.accountId || ""}`, String(a.agentId), false, a === current)),
  );
  const d = profile ? profile.details : {};
  const a = current || {};
  set("[data-testid=agent-name]", current ? agentName(a) : "");
  set("[data-testid=agent-email]", a.email);
  set("#agent-username", a.username);
  set("[data-testid=agent-id]", a.agentId);
  set("#agent-type", a.agentType);
  set("#agent-rc-user-id", a.rcUserId);
  set("[data-testid=account-id]", a.accountId);
  set("[data-testid=account-name]", a.accountName);
  set("[data-testid=main-account-id]", d.mainAccountId);
  set("#agent-group", a.agentGroupId);
  set("#sso-login", yesNo(d.ssoLogin));
  set("#login-flags", current ? `Control: ${yesNo(a.allowLoginControl)} · Updates: ${yesNo(a.allowLoginUpdates)}` : "");
}

// The summary is a live region and changes only on sign-in, renewal and
// sign-out; the countdown ticks every second outside it, so a screen reader
// is not told the time every second.
function renderStatus() {
  const summary = $("#session-summary");
  const tick = $("#session-countdown");
  if (!status || !status.signed_in) {
    setText(summary, "Signed out.");
    tick.textContent = "";
    return;
  }
  const renewed = `Renewed ${status.renewals} time${status.renewals === 1 ? "" : "s"}.`;
  setText(summary, `Signed in to ${hostOf(status.rc_server)} and ${hostOf(status.ringcx_server)}. ${renewed}`);
  tick.textContent = status.ringcx_renews_at ? `RingCX token renews in ${countdown(status.ringcx_renews_at - Date.now())}.` : "";
}


export function update(next) {
  status = next;
  renderAgent();
  renderStatus();
}

async function chooseAgent() {
  const id = Number($("[data-testid=agent-select]").value);
  try {
    const profile = await ipc.selectAgent(id);
    update({ ...status, profile });
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
