// The sign-in view: server pair, client id, loopback port and the redirect URI
// to register, and the other ways to sign in.

import * as ipc from "../ipc.js";
import { $, showError, clearError } from "../dom.js";

const portError = () => $("#redirect-port-error");

// Asks Rust for the redirect URI of the typed port, so what the user registers
// is byte for byte what the sign-in flow will send.
async function updateRedirectUri() {
  const raw = $("#redirect-port").value.trim();
  const output = $("#redirect-uri");
  const port = Number(raw);
  if (raw === "" || !Number.isInteger(port)) {
    output.value = "";
    portError().textContent = "Enter a port number from 1024 to 65535.";
    return;
  }
  try {
    output.value = await ipc.redirectUri(port);
    portError().textContent = "";
    $("#redirect-port").removeAttribute("aria-invalid");
  } catch (e) {
    output.value = "";
    portError().textContent = e.message;
    $("#redirect-port").setAttribute("aria-invalid", "true");
  }
}

function validateClientId() {
  const input = $("#client-id");
  const ok = input.value.trim().length > 0;
  $("#client-id-error").textContent = ok ? "" : "Enter the client ID of your RingCentral app.";
  input.toggleAttribute("aria-invalid", !ok);
  return ok;
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

export function init() {
  $("#redirect-port").addEventListener("input", updateRedirectUri);
  $("#copy-redirect-uri").addEventListener("click", copyRedirectUri);
  $("#client-id").addEventListener("blur", validateClientId);
  $("#signin-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearError();
    if (!validateClientId()) {
      $("#client-id").focus();
      return;
    }
    showError("Browser sign-in is not available in this build yet.");
  });
  return updateRedirectUri();
}
