// The sign-in view: server pair, client id, loopback port and the redirect URI
// to register, and the three ways to sign in.

import * as ipc from "../ipc.js";
import { $, showError, clearError, withProgress } from "../dom.js";
import { checkServer, presetFor } from "../format.js";

const portError = () => $("#redirect-port-error");
const NEW_PROFILE = "\u0000new";
/** @type {(status: import("../wire").Status) => void} */
let onSignedIn = () => {};
/** @type {() => Promise<void>} */
let onProfileChanged = async () => {};
/** @type {import("../wire").Preset[]} */
let presets = [];
/** @type {import("../wire").ProfileList} */
let profiles = { names: ["default"], current: "default" };

// Asks Rust for the redirect URI of the typed port, so what the user registers
// is byte for byte what the sign-in flow will send.
async function updateRedirectUri() {
  const raw = $("#redirect-port").value.trim();
  const output = $("#redirect-uri");
  // A text field, not type="number": that one alone loads ICU's number
  // formatting into the web process (1.5 MiB) to show five digits.
  const port = Number(raw);
  if (!/^[0-9]{1,5}$/.test(raw)) {
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

function validateServer(id) {
  const input = $(`#${id}`);
  const problem = checkServer(input.value);
  $(`#${id}-error`).textContent = problem;
  input.toggleAttribute("aria-invalid", Boolean(problem));
  return !problem;
}

// Checks the whole form inline, next to each field; focuses the first
// field that needs fixing. Returns whether it may be sent.
function validateForm({ clientId = true } = {}) {
  /** @type {Array<[string, () => boolean]>} */
  const checks = [
    ["rc-server", () => validateServer("rc-server")],
    ["ringcx-server", () => validateServer("ringcx-server")],
    ["client-id", () => !clientId || validateClientId()],
  ];
  let first = null;
  for (const [id, check] of checks) if (!check() && !first) first = id;
  if (first) $(`#${first}`).focus();
  return !first;
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
  const port = await updateRedirectUri();
  if (port === null) return;
  try {
    await ipc.copyRedirectUri(port);
    $("#copy-redirect-uri").textContent = "Copied";
    setTimeout(() => ($("#copy-redirect-uri").textContent = "Copy"), 1500);
  } catch {
    showError("Could not copy to the clipboard. Select the address and copy it by hand.");
  }
}

function setBusy(busy) {
  // The profile is fixed while a sign-in runs: its tokens belong to it.
  for (const id of ["signin-browser", "signin-jwt", "signin-token", "profile-select", "forget-profile"]) {
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
  if (!validateForm()) return;
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
  if (!validateForm()) return;
  const secret = $("#jwt-client-secret").value;
  const jwt = $("#jwt-token").value;
  if (!jwt.trim()) {
    showError("Paste the JWT credential first.");
    return $("#jwt-token").focus();
  }
  return run("Signing in…", () => ipc.signInJwt(servers(secret), jwt));
}

function signInToken() {
  if (!validateForm({ clientId: false })) return;
  const token = $("#rc-token").value;
  if (!token.trim()) {
    showError("Paste a RingCentral access token first.");
    return $("#rc-token").focus();
  }
  return run("Signing in…", () => ipc.signInToken(servers(), token));
}

// Fills the form from a profile's saved settings.
/** @param {{rc?: string, ringcx?: string, clientId?: string, port?: number}} form */
export function fill({ rc, ringcx, clientId, port }) {
  if (rc) $("#rc-server").value = rc;
  if (ringcx) $("#ringcx-server").value = ringcx;
  if (clientId !== undefined) $("#client-id").value = clientId;
  if (port) $("#redirect-port").value = String(port);
  for (const id of ["rc-server", "ringcx-server", "client-id"]) {
    $(`#${id}`).removeAttribute("aria-invalid");
    $(`#${id}-error`).textContent = "";
  }
  syncPreset();
}

function syncPreset() {
  $("#server-preset").value = presetFor($("#rc-server").value, $("#ringcx-server").value, presets);
}

function renderPresets() {
  const select = $("#server-preset");
  const options = presets.map((p) => new Option(p.label, p.id));
  const legacy = new Option("Legacy Engage (portal.vacd.biz): not supported yet", "legacy");
  legacy.disabled = true;
  options.push(legacy, new Option("Custom addresses", "custom"));
  select.replaceChildren(...options);
  syncPreset();
}

function choosePreset() {
  const preset = presets.find((p) => p.id === $("#server-preset").value);
  if (preset) {
    fill({ rc: preset.rc, ringcx: preset.ringcx });
    updateRedirectUri();
  } else {
    $("#rc-server").focus();
  }
}

const profileLabel = (name, demo) => (name === "demo" && demo ? "Demo (fake server)" : name);

function renderProfiles(demo) {
  const select = $("#profile-select");
  const options = profiles.names.map((n) => new Option(profileLabel(n, demo), n, false, n === profiles.current));
  options.push(new Option("New profile…", NEW_PROFILE));
  select.replaceChildren(...options);
  select.value = profiles.current;
}

async function switchTo(name, demo) {
  clearError();
  const settings = await ipc.switchProfile(name);
  if (!profiles.names.includes(name)) profiles.names = [...profiles.names, name].sort();
  profiles.current = name;
  renderProfiles(demo);
  fill({ rc: settings.rcServer, ringcx: settings.ringcxServer, clientId: settings.clientId, port: settings.port });
  await updateRedirectUri();
  // The profile may have a saved sign-in of its own.
  await onProfileChanged();
}

function openNewProfile() {
  $("#profile-select").value = profiles.current;
  $("#new-profile").hidden = false;
  $("#new-profile-error").textContent = "";
  $("#new-profile-name").value = "";
  $("#new-profile-name").focus();
}

function closeNewProfile() {
  $("#new-profile").hidden = true;
  $("#profile-select").focus();
}

async function createProfile(demo) {
  const name = $("#new-profile-name").value.trim();
  if (!name) {
    $("#new-profile-error").textContent = "Enter a name for the profile.";
    $("#new-profile-name").focus();
    return;
  }
  try {
    await switchTo(name, demo);
    $("#new-profile").hidden = true;
    $("#client-id").focus();
  } catch (e) {
    $("#new-profile-error").textContent = e.message;
    $("#new-profile-name").focus();
  }
}

let switching = false;

async function chooseProfile(demo) {
  const value = $("#profile-select").value;
  if (value === NEW_PROFILE) return openNewProfile();
  if (value === profiles.current || switching) return;
  switching = true;
  try {
    await switchTo(value, demo);
  } catch (e) {
    $("#profile-select").value = profiles.current;
    showError(e.message);
  } finally {
    switching = false;
  }
}

async function forget() {
  clearError();
  try {
    await ipc.forgetProfile();
    fill({ rc: presets[0].rc, ringcx: presets[0].ringcx, clientId: "" });
  } catch (e) {
    showError(e.message);
  }
}

/**
 * @param {import("../wire").AppInfo} info
 * @param {string | null} redirectUri the start port's, from start-up; null when that port is not valid
 * @param {(status: import("../wire").Status) => void} signedIn
 * @param {() => Promise<void>} profileChanged
 */
export function init(info, redirectUri, signedIn, profileChanged) {
  onSignedIn = signedIn;
  onProfileChanged = profileChanged;
  presets = info.presets || [];
  profiles = info.profiles || profiles;
  const demo = Boolean(info.demo);
  renderPresets();
  renderProfiles(demo);
  const saved = info.profile;
  if (saved) fill({ rc: saved.rcServer, ringcx: saved.ringcxServer, clientId: saved.clientId });
  $("#redirect-port").value = String((saved && saved.port) || info.defaultPort);
  // Arrowing through a closed select fires `change` at every step: switch
  // only once the choice has rested, not at every profile passed.
  let settle = null;
  $("#profile-select").addEventListener("change", () => {
    clearTimeout(settle);
    settle = setTimeout(() => chooseProfile(demo), 400);
  });
  $("#server-preset").addEventListener("change", choosePreset);
  $("[data-testid=new-profile-create]").addEventListener("click", () => createProfile(demo));
  $("[data-testid=new-profile-cancel]").addEventListener("click", closeNewProfile);
  $("#new-profile-name").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      createProfile(demo);
    } else if (e.key === "Escape") {
      e.preventDefault();
      closeNewProfile();
    }
  });
  for (const id of ["rc-server", "ringcx-server"]) {
    $(`#${id}`).addEventListener("input", syncPreset);
    $(`#${id}`).addEventListener("blur", () => $(`#${id}`).value && validateServer(id));
  }
  $("[data-testid=forget-profile]").addEventListener("click", forget);
  $("#redirect-port").addEventListener("input", updateRedirectUri);
  $("#copy-redirect-uri").addEventListener("click", copyRedirectUri);
  $("#client-id").addEventListener("blur", validateClientId);
  $("#signin-form").addEventListener("submit", signInBrowser);
  $("[data-testid=signin-cancel]").addEventListener("click", () => ipc.cancelSignIn());
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("[data-testid=signin-cancel]").hidden) ipc.cancelSignIn();
  });
  $("[data-testid=signin-jwt]").addEventListener("click", signInJwt);
  $("[data-testid=signin-token]").addEventListener("click", signInToken);
  // Rust computed the start port's URI with start-up; an invalid saved
  // port is asked about as a typed one would be, to say why.
  if (redirectUri) $("#redirect-uri").value = redirectUri;
  else updateRedirectUri();
}
