// Generated from the Rust types by src-tauri/src/wire.rs: do not edit.
// `make wire` writes it again; tests/contract.rs fails when it is stale.

export type ErrorCode = "invalid_port" | "invalid_url" | "missing_client_id" | "port_in_use" | "sign_in_in_progress" | "sign_in_cancelled" | "sign_in_timed_out" | "browser_failed" | "access_denied" | "state_mismatch" | "redirect_not_registered" | "code_invalid" | "code_expired" | "grant_not_allowed" | "invalid_client" | "bad_credentials" | "pasted_token_expired" | "session_ended" | "exchange_rejected" | "no_agent" | "unknown_agent" | "needs_manage_users" | "forbidden" | "rate_limited" | "server_error" | "rejected" | "bad_response" | "too_large" | "network" | "not_signed_in" | "keychain_unavailable" | "keychain_locked" | "saved_session_locked" | "keychain_corrupt" | "invalid_api_path" | "needs_confirmation" | "invalid_body" | "no_file_chosen" | "file_unreadable" | "file_unwritable" | "nothing_to_save" | "file_not_confirmed" | "nothing_to_copy" | "missing_path_param" | "invalid_method" | "renewed_not_resent" | "invalid_profile_name" | "signed_in" | "users_not_loaded" | "user_not_found" | "settings_changed" | "saved_session_outdated" | "signed_out_elsewhere";

export type ShellCode = "clipboard" | "updates_unavailable" | "update_check_failed" | "no_update" | "update_install_failed";

export type Code = ErrorCode | ShellCode;

export type ErrorBody = { code: Code, message: string, };

export type SignInMethod = "browser" | "jwt" | "token";

export type Reason = { code: ErrorCode, message: string, };

export type Agent = { agentId: number, firstName: string | null, lastName: string | null, email: string | null, username: string | null, agentType: string | null, rcUserId: string | null, accountId: string | null, accountName: string | null, agentGroupId: string | null, allowLoginControl: boolean | null, allowLoginUpdates: boolean | null, };

export type RcUser = { firstName: string | null, lastName: string | null, email: string | null, };

export type UserDetails = { mainAccountId: string | null, agentDetails: Array<Agent>, adminId: string | null, adminUrl: string | null, agentUrl: string | null, ssoLogin: boolean | null, platformId: string | null, rcUser: RcUser | null, };

export type Identity = { details: UserDetails, agentId: number | null, };

export type Status = { signedIn: boolean, 
/**
 * Why the session ended, when it did.
 */
reason: Reason | null, method: SignInMethod | null, rcServer: string, ringcxServer: string, identity: Identity | null, 
/**
 * Unix milliseconds.
 */
ringcxExpiresAt: number | null, ringcxRenewsAt: number | null, rcExpiresAt: number | null, 
/**
 * How many times the RingCX token was renewed in this session.
 */
renewals: number, 
/**
 * True when the session is saved in the keychain and survives a restart.
 */
stored: boolean, 
/**
 * Why it is not saved, when saving (or reading) the keychain failed.
 */
storageError: Reason | null, };

export type Preset = { id: string, label: string, rc: string, ringcx: string, };

export type ProfileSettings = { rcServer: string, ringcxServer: string, clientId: string, port: number, agentId: number | null, };

export type ProfileList = { names: Array<string>, current: string, };

export type Demo = { server: string, clientId: string, };

export type AppInfo = { name: string, version: string, identifier: string, presets: Array<Preset>, defaultPort: number, demo: Demo | null, 
/**
 * The current profile's saved settings, to fill the sign-in form.
 */
profile: ProfileSettings, 
/**
 * A problem with the settings file, to show once.
 */
settingsWarning: string | null, profiles: ProfileList, };

export type Servers = { rcServer: string, ringcxServer: string, clientId: string, clientSecret: string | null, };

export type SortKey = "tree" | "name" | "userName" | "enabled" | "roles" | "rcUserId" | "created";

export type Query = { text: string, sort: SortKey, descending: boolean, offset: number, limit: number, };

export type Row = { userId: number, name: string, userName: string, enabled: boolean, roles: string, rcUserId: string, created: string, depth: number, parentPath: string, };

export type Page = { total: number, matched: number, offset: number, rows: Array<Row>, 
/**
 * False while only the list's first rows are read: the counts are of
 * those.
 */
complete: boolean, };

export type UsersLoaded = { total: number, 
/**
 * False when only the first rows are read; asking whether the list is
 * settled answers when the rest is.
 */
complete: boolean, };

export type UpdateInfo = { version: string, currentVersion: string, notes: string | null, };

export type UpdatePrefs = { checkOnStart: boolean, 
/**
 * Whether this build has somewhere to look for updates at all.
 */
channel: boolean, 
/**
 * An update already found (the start-up check may finish before the
 * window listens for its event).
 */
pending: UpdateInfo | null, };

export type OpSummary = { method: string, path: string, tag: string, summary: string, 
/**
 * Only in the docs: nothing is known of its parameters or body.
 */
docsOnly: boolean, };

export type FormParam = { name: string, 
/**
 * `path` or `query` (header parameters are the session's business).
 */
location: string, kind: string, required: boolean, choices: Array<string>, description: string, 
/**
 * What the field starts with: the session's id, else the default.
 */
value: string, 
/**
 * The value came from the signed-in session.
 */
fromSession: boolean, 
/**
 * A list call can offer the choices.
 */
picker: boolean, };

export type Form = { op: OpSummary, description: string, params: Array<FormParam>, 
/**
 * The body to start from (pretty JSON), when the operation takes one.
 */
body: string | null, bodyRequired: boolean, 
/**
 * Multipart uploads are not sent from the console yet.
 */
upload: boolean, 
/**
 * The answer is a credential: it is never shown.
 */
credential: boolean, 
/**
 * The stated limits, e.g. "12 in 30 s, 18 in 60 s"; empty for the default.
 */
limits: string, };

export type Request = { method: string, 
/**
 * The operation's path template, or a raw path.
 */
path: string, 
/**
 * Path parameters by name; empty ones fall back to the session's ids.
 */
values: { [key in string]: string }, 
/**
 * Query parameters; empty values are left out.
 */
query: Array<[string, string]>, 
/**
 * JSON text; empty for none.
 */
body: string, 
/**
 * The user confirmed a method other than GET.
 */
confirmed: boolean, 
/**
 * For an upload: the local file's path (Rust reads it).
 */
file: string, };

export type AnswerKind = "json" | "text" | "binary" | "withheld" | "empty";

export type Answer = { status: number, 
/**
 * From sending to the last byte, in milliseconds.
 */
millis: number, size: number, contentType: string, headers: Array<[string, string]>, kind: AnswerKind, 
/**
 * Text as sent, at most 1 MB of it; empty for JSON, which the window
 * pages through (`lines` of it).
 */
text: string, 
/**
 * Lines of a JSON answer; 0 for any other.
 */
lines: number, truncated: boolean, 
/**
 * The path as sent.
 */
path: string, 
/**
 * Seconds the call waited for the rate limits before it went out.
 */
waitedSecs: number, };

export type HistoryEntry = { 
/**
 * Unique in its file; newer entries have larger ids.
 */
id: number, 
/**
 * Milliseconds since 1970.
 */
at: number, method: string, path: string, values: { [key in string]: string }, query: Array<[string, string]>, body: string, status: number, millis: number, size: number, 
/**
 * Set when the user saved it; saved entries are never dropped.
 */
name: string | null, };

export type Choice = { value: string, label: string, };

export type Wait = { 
/**
 * When it may go, in milliseconds since 1970.
 */
until: number, 
/**
 * The operation, e.g. `POST /voice/api/v1/admin/accounts/{accountId}/campaignLeads/leadSearch`.
 */
operation: string, 
/**
 * Why: the stated limit, or the server's 429.
 */
reason: string, };

export type Fold = "none" | "open" | "folded";

export type JsonRow = { 
/**
 * The line's number in the whole document, from 0.
 */
line: number, depth: number, 
/**
 * The line as pretty JSON lays it out, without its indent.
 */
text: string, fold: Fold, 
/**
 * For a line opening a container: how many members it holds.
 */
items: number, 
/**
 * Where the line sits (as `$.a[3].b`), given only while filtering.
 */
path: string, };

export type JsonPage = { start: number, 
/**
 * Rows in the view: the lines under the folds, or the lines matched.
 */
total: number, 
/**
 * Lines of the whole document.
 */
lines: number, rows: Array<JsonRow>, };

export type LinesAsk = { 
/**
 * Text the lines must hold; empty for all.
 */
filter: string, start: number, count: number, };

export type FoldAsk = { 
/**
 * The line opening it.
 */
line: number, folded: boolean, };

export type Change<T> = { version: number, value: T, };

export type StartUp = { info: AppInfo, 
/**
 * The session feed as it was before the restore: the window follows
 * it from here, so no change after this one is missed.
 */
session: Change<Status>, 
/**
 * The restore begun at launch, when it has finished: its status, or
 * why it failed. Neither while it is still under way (always, in the
 * first script): the window then shows the form and asks for the
 * restore.
 */
restored: Status | null, restoreError: ErrorBody | null, 
/**
 * The update feed as it was before the prefs were read: an update
 * found in between is in the prefs, and comes again as the feed's next
 * change (offering it twice shows the same banner).
 */
update: Change<UpdateInfo | null>, updatePrefs: UpdatePrefs, 
/**
 * The redirect URI for the port the sign-in form starts with, when
 * that port is valid.
 */
redirectUri: string | null, };
