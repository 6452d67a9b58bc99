// The one door to Rust. Every view calls through here, so errors always come
// back in one shape: {code, message}, with a human message. No token ever
// comes through here: commands return statuses, profiles and data only.

const tauri = window.__TAURI__;

export class IpcError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Turns whatever a command rejected with into an IpcError. Commands reject with
// {code, message}; anything else (a Tauri ACL refusal is a plain string) is
// still shown as a sentence, never as a dump.
export function toIpcError(raw) {
  if (raw && typeof raw === "object" && typeof raw.message === "string") {
    return new IpcError(String(raw.code || "error"), raw.message);
  }
  if (typeof raw === "string" && raw.length > 0 && raw.length < 300) {
    return new IpcError("ipc", raw);
  }
  return new IpcError("ipc", "Engage Desk could not complete that action. Try again.");
}

export async function call(command, args = {}) {
  if (!tauri || !tauri.core) {
    throw new IpcError("no_backend", "Engage Desk's window is not connected to the app.");
  }
  try {
    return await tauri.core.invoke(command, args);
  } catch (raw) {
    throw toIpcError(raw);
  }
}

export const appInfo = () => call("app_info");
export const redirectUri = (port) => call("redirect_uri", { port });
export const signInBrowser = (servers, port) => call("sign_in_browser", { servers, port });
export const cancelSignIn = () => call("cancel_sign_in");
export const signInJwt = (servers, jwt) => call("sign_in_jwt", { servers, jwt });
export const signInToken = (servers, token) => call("sign_in_token", { servers, token });
export const session = () => call("session");
export const selectAgent = (agentId) => call("select_agent", { agentId });
// The user list stays in Rust; the window asks for one page at a time.
export const usersLoad = (activeOnly) => call("users_load", { activeOnly });
export const usersPage = (query) => call("users_page", { query });
export const userDetails = (userId) => call("user_details", { userId });
export const copyUserJson = (userId) => call("copy_user_json", { userId });
export const copyRedirectUri = (port) => call("copy_redirect_uri", { port });
export const updatePrefs = () => call("update_prefs");
export const setUpdateCheck = (enabled) => call("set_update_check", { enabled });
export const checkUpdate = () => call("check_update");
// Only after the user said yes: downloads, verifies, installs, restarts.
export const installUpdate = () => call("install_update");
export const switchProfile = (name) => call("switch_profile", { name });
export const signOut = () => call("sign_out");
export const restoreSession = () => call("restore_session");
export const forgetProfile = () => call("forget_profile");
// Rust writes the token to the clipboard itself; nothing comes back here.
export const copyToken = () => call("copy_token");

// Calls `handler(info)` when a start-up check found an update.
export function onUpdate(handler) {
  if (!tauri || !tauri.event) return Promise.resolve(() => {});
  return tauri.event.listen("update-available", (event) => handler(event.payload));
}

// Calls `handler(status)` on every session change (renewal, sign-out…).
export function onSession(handler) {
  if (!tauri || !tauri.event) return Promise.resolve(() => {});
  return tauri.event.listen("session-changed", (event) => handler(event.payload));
}
