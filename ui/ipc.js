// The one door to Rust. Every view calls through here, so errors always come
// back in one shape: {code, message}, with a human message.

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
  if (typeof raw === "string" && raw.length > 0) {
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
