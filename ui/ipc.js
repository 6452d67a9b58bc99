// The one door to Rust. Every view calls through here, so errors always come
// back in one shape: {code, message}, with a human message. No token ever
// comes through here: commands return statuses, profiles and data only.
//
// The types are the Rust types, generated into wire.d.ts; `make test` runs
// tsc over the UI against them, so a renamed field fails the build.

/** @typedef {import("./wire").AppInfo} AppInfo */
/** @typedef {import("./wire").StartUp} StartUp */
/** @typedef {import("./wire").Status} Status */
/** @typedef {import("./wire").Identity} Identity */
/** @typedef {import("./wire").Servers} Servers */
/** @typedef {import("./wire").ProfileSettings} ProfileSettings */
/** @typedef {import("./wire").Query} Query */
/** @typedef {import("./wire").Page} Page */
/** @typedef {import("./wire").UsersLoaded} UsersLoaded */
/** @typedef {import("./wire").UpdateInfo} UpdateInfo */
/** @typedef {import("./wire").UpdatePrefs} UpdatePrefs */
/** @typedef {import("./wire").Code} Code */

/** @type {any} */
const tauri = /** @type {any} */ (window).__TAURI__;

export class IpcError extends Error {
  /**
   * @param {Code | "error" | "ipc" | "no_backend"} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Turns whatever a command rejected with into an IpcError. Commands reject with
// {code, message}; anything else (a Tauri ACL refusal is a plain string) is
// still shown as a sentence, never as a dump.
/** @param {unknown} raw */
export function toIpcError(raw) {
  if (raw && typeof raw === "object" && "message" in raw && typeof raw.message === "string") {
    const code = "code" in raw && typeof raw.code === "string" ? /** @type {Code} */ (raw.code) : "error";
    return new IpcError(code, raw.message);
  }
  if (typeof raw === "string" && raw.length > 0 && raw.length < 300) {
    return new IpcError("ipc", raw);
  }
  return new IpcError("ipc", "Engage Desk could not complete that action. Try again.");
}

/**
 * @template T
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<T>}
 */
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

// All the window starts from, in one answer (see `StartUp` in Rust).
/** @type {() => Promise<StartUp>} */
export const startUp = () => call("start_up");

// The same answer as the window's first script left it (see
// src-tauri/src/main_window.rs), once, on the window's first load; null
// on a reload, whose copy of it is out of date.
/** @returns {StartUp | null} */
export function takeLaunchStart() {
  const page = /** @type {any} */ (window);
  const start = page.__ENGAGE_START__ || null;
  delete page.__ENGAGE_START__;
  const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType("navigation")[0]);
  return nav && nav.type === "reload" ? null : start;
}
/** @type {(port: number) => Promise<string>} */
export const redirectUri = (port) => call("redirect_uri", { port });
/** @type {(servers: Servers, port: number) => Promise<Status>} */
export const signInBrowser = (servers, port) => call("sign_in_browser", { servers, port });
/** @type {() => Promise<boolean>} */
export const cancelSignIn = () => call("cancel_sign_in");
/** @type {(servers: Servers, jwt: string) => Promise<Status>} */
export const signInJwt = (servers, jwt) => call("sign_in_jwt", { servers, jwt });
/** @type {(servers: Servers, token: string) => Promise<Status>} */
export const signInToken = (servers, token) => call("sign_in_token", { servers, token });
/** @type {() => Promise<Status>} */
export const session = () => call("session");
/** @type {(agentId: number) => Promise<Identity>} */
export const selectAgent = (agentId) => call("select_agent", { agentId });
// The user list stays in Rust; the window asks for one page at a time.
/** @type {(activeOnly: boolean) => Promise<UsersLoaded>} */
export const usersLoad = (activeOnly) => call("users_load", { activeOnly });
/** @type {(query: Query) => Promise<Page>} */
export const usersPage = (query) => call("users_page", { query });
/** @type {() => Promise<UsersLoaded>} */
export const usersSettled = () => call("users_settled");
/** @type {(userId: number) => Promise<Record<string, unknown>>} */
export const userDetails = (userId) => call("user_details", { userId });
/** @type {(userId: number) => Promise<void>} */
export const copyUserJson = (userId) => call("copy_user_json", { userId });
/** @type {(port: number) => Promise<void>} */
export const copyRedirectUri = (port) => call("copy_redirect_uri", { port });
/** @type {(enabled: boolean) => Promise<UpdatePrefs>} */
export const setUpdateCheck = (enabled) => call("set_update_check", { enabled });
/** @type {() => Promise<UpdateInfo | null>} */
export const checkUpdate = () => call("check_update");
// Only after the user said yes: downloads, verifies, installs, restarts.
/** @type {() => Promise<void>} */
export const installUpdate = () => call("install_update");
/** @type {(name: string) => Promise<ProfileSettings>} */
export const switchProfile = (name) => call("switch_profile", { name });
/** @type {() => Promise<Status>} */
export const signOut = () => call("sign_out");
/** @type {() => Promise<Status>} */
export const restoreSession = () => call("restore_session");
/** @type {() => Promise<Status>} */
export const forgetProfile = () => call("forget_profile");
// Rust writes the token to the clipboard itself; nothing comes back here.
/** @type {() => Promise<void>} */
export const copyToken = () => call("copy_token");

// Calls `handler(value)` with every change of one of Rust's feeds made
// after this call, for as long as the window is open. A long poll: Rust
// answers when it has another version than the one seen, or the same one
// after a minute (events would make WebKit start a script engine in the
// app's process to deliver them).
// It follows on from `from`, a change the page already has, or else from
// the current one; resolves once it is following.
/**
 * @template T
 * @param {(seen?: number) => Promise<import("./wire").Change<T>>} poll
 * @param {(value: T) => void} handler
 * @param {import("./wire").Change<T>} [from]
 */
async function follow(poll, handler, from) {
  if (!tauri || !tauri.core) return;
  let change = from || (await poll());
  (async () => {
    for (;;) {
      let next;
      try {
        next = await poll(change.version);
      } catch {
        // Only a broken bridge fails a poll: wait before the next, not spin.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      // A poll that waited its longest answers with what the page has.
      if (next.version === change.version) continue;
      change = next;
      // A handler that throws is reported, and the following goes on.
      const value = change.value;
      Promise.resolve().then(() => handler(value));
    }
  })();
}

// Calls `handler(info)` when a start-up check found an update after `from`.
/**
 * @param {(info: UpdateInfo) => void} handler
 * @param {import("./wire").Change<UpdateInfo | null>} from
 */
export const onUpdate = (handler, from) =>
  follow(
    (seen) => call("update_changes", { seen }),
    (/** @type {UpdateInfo | null} */ info) => info && handler(info),
    from,
  );

// Calls `handler(status)` on every session change after `from` (renewal,
// sign-out…).
/**
 * @param {(status: Status) => void} handler
 * @param {import("./wire").Change<Status>} from
 */
export const onSession = (handler, from) => follow((seen) => call("session_changes", { seen }), handler, from);

/** @type {(query: string) => Promise<import("./wire").OpSummary[]>} */
export const consoleSearch = (query) => call("console_search", { query });

/** @type {(method: string, path: string) => Promise<import("./wire").Form>} */
export const consoleForm = (method, path) => call("console_form", { method, path });

/** @type {(request: import("./wire").Request) => Promise<import("./wire").Answer>} */
export const consoleSend = (request) => call("console_send", { request });

/** @type {(request: import("./wire").Request) => Promise<void>} */
export const consoleCopyCurl = (request) => call("console_copy_curl", { request });

/** @type {(query: string) => Promise<import("./wire").HistoryEntry[]>} */
export const consoleHistory = (query) => call("console_history", { query });

/** @type {(id: number, name: string) => Promise<import("./wire").HistoryEntry | null>} */
export const consoleName = (id, name) => call("console_name", { id, name });

/** @type {(param: string, values: Record<string, string>) => Promise<import("./wire").Choice[]>} */
export const consoleChoices = (param, values) => call("console_choices", { param, values });

/**
 * Calls `handler` with the console's longest rate-limit wait, or null when
 * no call waits.
 * @param {(wait: import("./wire").Wait | null) => void} handler
 */
export const onConsoleWait = (handler) => follow((seen) => call("console_wait_changes", { seen }), handler);

/** @type {() => Promise<string | null>} */
export const consoleChooseFile = () => call("console_choose_file");

/** @type {() => Promise<string | null>} */
export const consoleSave = () => call("console_save");

/** @type {(ask: import("./wire").LinesAsk) => Promise<import("./wire").JsonPage>} */
export const consoleLines = (ask) => call("console_lines", { ask });

/** @type {(ask: import("./wire").FoldAsk) => Promise<void>} */
export const consoleFold = (ask) => call("console_fold", { ask });

/** @type {() => Promise<boolean>} */
export const consoleCopySecret = () => call("console_copy_secret");
