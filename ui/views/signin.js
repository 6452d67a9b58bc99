// The sign-in view: server pair, client id, loopback port and the redirect URI
// to register, and the three ways to sign in.

import * as ipc from "../ipc.js";
import { $, showError, clearError, withProgress } from "../dom.js";

const portError = () => $("#redirect-port-error");
let onSignedIn = () => {};

// Asks Rust for the redirect URI of the typed port, so what the user registers
// is byte for byte what the sign-in flow will send.
async function updateRedirectUri() {
  const raw = $("#redirect-port").value.trim();
  const output = $("#redirect-uri");
  const port = Number(raw);
  if (raw === "" || !Number.isInteger(port)) {
    output.value = "";
    portError().textContent = "Enter a port number from 1024 to 65535.";
    return null;
  }
  try {
    output.value = await ipc.redirectUri(port);
    portError().textContent = "";
    $("#redirect-port").removeAttribute("aria-invalid");
    return port;
  } catch (e) {
    output.value = "";
    portError().textContent = e.message;
    $("#redirect-port").setAttribute("aria-invalid", "true");
    return null;
  }
}

function validateClientId() {
  const input = $("#client-id");
  const ok = input.value.trim().length > 0;
  $("#client-id-error").textContent = ok ? "" : "Enter the client ID of your RingCentral app.";
  input.toggleAttribute("aria-invalid", !ok);
  return ok;
}

function servers(clientSecret) {
  return {
    rcServer: $("#rc-server").value.trim(),
    ringcxServer: $("#ringcx-server").value.trim(),
    clientId: $("#client-id").value.trim(),
    clientSecret: clientSecret || null,
  };
}

async function copyRedirectUri() {
  const uri = $("#redirect-uri").value;
  if (!uri) return;
  try {
    await navigator.clipboard.writeText(uri);
  } catch {
    showError("Could not copy to the clipboard. Select the address and copy it by hand.");
  }
}

function setBusy(busy) {
  for (const id of ["signin-browser", "signin-jwt", "signin-token"]) {
    $(`[data-testid=${id}]`).disabled = busy;
  }
}

async function run(label, action) {
  clearError();
  setBusy(true);
  try {
    const status = await withProgress(label, action());
    // Secrets typed into the form leave the DOM once Rust holds them.
    for (const id of ["#jwt-client-secret", "#jwt-token", "#rc-token"]) $(id).value = "";
    onSignedIn(status);
  } catch (e) {
    if (e.code !== "sign_in_cancelled") showError(e.message);
  } finally {
    setBusy(false);
  }
}

async function signInBrowser(ev) {
  ev.preventDefault();
  if (!validateClientId()) {
    $("#client-id").focus();
    return;
  }
  const port = await updateRedirectUri();
  if (port === null) {
    $("#redirect-port").focus();
    return;
  }
  const cancel = $("[data-testid=signin-cancel]");
  cancel.hidden = false;
  $("#signin-waiting").hidden = false;
  try {
    await run("Waiting for the browser…", () => ipc.signInBrowser(servers(), port));
  } finally {
    cancel.hidden = true;
    $("#signin-waiting").hidden = true;
  }
}

function signInJwt() {
  if (!validateClientId()) return $("#client-id").focus();
  const secret = $("#jwt-client-secret").value;
  const jwt = $("#jwt-token").value;
  if (!jwt.trim()) {
    showError("Paste the JWT credential first.");
    return $("#jwt-token").focus();
  }
  return run("Signing in…", () => ipc.signInJwt(servers(secret), jwt));
}

function signInToken() {
  const token = $("#rc-token").value;
  if (!token.trim()) {
    showError("Paste a RingCentral access token first.");
    return $("#rc-token").focus();
  }
  return run("Signing in…", () => ipc.signInToken(servers(), token));
}

// Fills the form from a server preset or the demo settings.
export function fill({ rc, ringcx, clientId }) {
  if (rc) $("#rc-server").value = rc;
  if (ringcx) $("#ringcx-server").value = ringcx;
  if (clientId !== undefined) $("#client-id").value = clientId;
}

async function forget() {
  clearError();
  try {
    await ipc.forgetProfile();
    fill({ rc: "https://platform.ringcentral.com", ringcx: "https://ringcx.ringcentral.com", clientId: "" });
  } catch (e) {
    showError(e.message);
  }
}

export function init(info, signedIn) {
  onSignedIn = signedIn;
  const saved = info.profile;
  if (saved) fill({ rc: saved.rcServer, ringcx: saved.ringcxServer, clientId: saved.clientId });
  if (info.demo) {
    const select = $("#profile-select");
    const option = new Option("Demo (fake server)", "demo", true, true);
    select.add(option, 0);
    fill({ rc: info.demo.server, ringcx: info.demo.server, clientId: info.demo.client_id });
  }
  $("#redirect-port").value = String((saved && saved.port) || info.default_port);
  $("[data-testid=forget-profile]").addEventListener("click", forget);
  $("#redirect-port").addEventListener("input", updateRedirectUri);
  $("#copy-redirect-uri").addEventListener("click", copyRedirectUri);
  $("#client-id").addEventListener("blur", validateClientId);
  $("#signin-form").addEventListener("submit", signInBrowser);
  $("[data-testid=signin-cancel]").addEventListener("click", () => ipc.cancelSignIn());
  $("[data-testid=signin-jwt]").addEventListener("click", signInJwt);
  $("[data-testid=signin-token]").addEventListener("click", signInToken);
  return updateRedirectUri();
}
