// The API console: every RingCX operation of the catalogue, searched as
// you type, a form with the session's ids already in it, and the answer.
// Paths, confirmation, rate limits and what of an answer is shown are all
// decided in Rust; this view only asks and shows.

import * as ipc from "../ipc.js";
import { $, showError, clearError, withProgress, setText } from "../dom.js";
import { init as initAnswer, show as showAnswer } from "./answer.js";

let seq = 0; // drops search answers to questions no longer asked
/** @type {import("../wire").Form | null} */
let form = null;

const opButtons = () => /** @type {HTMLElement[]} */ ([...document.querySelectorAll("#console-ops .console-op")]);

function renderOps(ops) {
  const list = $("#console-ops");
  list.replaceChildren();
  let tag = null;
  for (const op of ops) {
    if (op.tag !== tag) {
      tag = op.tag;
      const head = document.createElement("div");
      head.className = "console-tag";
      head.textContent = tag;
      head.setAttribute("role", "presentation");
      list.append(head);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "console-op";
    button.setAttribute("role", "option");
    button.setAttribute("aria-selected", "false");
    button.dataset.testid = "console-op";
    button.dataset.method = op.method;
    button.dataset.path = op.path;
    button.tabIndex = -1;
    const method = document.createElement("span");
    method.className = "method";
    method.textContent = op.method;
    const summary = document.createElement("span");
    summary.textContent = op.summary + (op.docsOnly ? " (docs only)" : "");
    const path = document.createElement("div");
    path.className = "path";
    path.textContent = op.path;
    button.append(method, summary, path);
    button.addEventListener("click", () => open(op.method, op.path, button));
    list.append(button);
  }
  const first = opButtons()[0];
  if (first) first.tabIndex = 0;
  setText($("#console-count"), `${ops.length} operation${ops.length === 1 ? "" : "s"}`);
}

async function search() {
  const mine = ++seq;
  const ops = await ipc.consoleSearch($("[data-testid=console-search]").value);
  if (mine === seq) renderOps(ops);
}

function select(button) {
  for (const b of opButtons()) {
    b.setAttribute("aria-selected", String(b === button));
    b.tabIndex = b === button ? 0 : -1;
  }
}

/**
 * @param {import("../wire").FormParam} param
 * @returns {HTMLElement[]}
 */
function field(param) {
  const id = `console-param-${param.location}-${param.name}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = `${param.name}${param.required ? " *" : ""}`;
  label.title = param.description;
  /** @type {HTMLInputElement | HTMLSelectElement} */
  let input;
  if (param.choices.length > 0) {
    input = document.createElement("select");
    for (const choice of ["", ...param.choices]) {
      const option = document.createElement("option");
      option.value = choice;
      option.textContent = choice || "(none)";
      input.append(option);
    }
  } else {
    input = document.createElement("input");
    input.type = "text";
    input.spellcheck = false;
    input.autocomplete = "off";
    input.placeholder = param.kind;
  }
  input.id = id;
  input.value = param.value;
  input.dataset.testid = "console-param";
  input.dataset.name = param.name;
  input.dataset.location = param.location;
  if (param.required) input.required = true;
  if (param.fromSession) input.title = "From your session";
  if (!param.picker) return [label, input];
  // An id a list call can offer: a Pick button loads the choices.
  const box = document.createElement("div");
  box.className = "console-picker";
  const pick = document.createElement("button");
  pick.type = "button";
  pick.className = "secondary";
  pick.textContent = "Pick…";
  pick.dataset.testid = "console-pick";
  pick.dataset.name = param.name;
  pick.setAttribute("aria-label", `Pick ${param.name} from a list`);
  const choices = document.createElement("select");
  choices.hidden = true;
  choices.dataset.testid = "console-choices";
  choices.dataset.name = param.name;
  choices.setAttribute("aria-label", `Choices for ${param.name}`);
  choices.addEventListener("change", () => {
    if (choices.value) input.value = choices.value;
  });
  pick.addEventListener("click", async () => {
    clearError();
    try {
      const list = await withProgress("Loading choices…", ipc.consoleChoices(param.name, request(false).values));
      const first = document.createElement("option");
      first.value = "";
      first.textContent = list.length ? `Choose (${list.length})` : "Nothing to choose from";
      choices.replaceChildren(
        first,
        ...list.map((c) => {
          const option = document.createElement("option");
          option.value = c.value;
          option.textContent = c.label ? `${c.label} (${c.value})` : c.value;
          return option;
        }),
      );
      choices.hidden = false;
      choices.focus();
    } catch (e) {
      showError(e.message);
    }
  });
  box.append(input, pick, choices);
  return [label, box];
}

async function open(method, path, button) {
  if (button) select(button);
  clearError();
  try {
    form = await ipc.consoleForm(method, path);
  } catch (e) {
    // Not in the catalogue (a raw path from the history): an empty form.
    form = null;
    $("#console-params").replaceChildren();
    $("#console-body-box").hidden = true;
    $("#console-file-box").hidden = true;
    setText($("#console-summary"), "");
    if (button) showError(e.message);
    return;
  }
  /** @type {HTMLSelectElement} */ ($("[data-testid=console-method]")).value = form.op.method;
  /** @type {HTMLInputElement} */ ($("[data-testid=console-path]")).value = form.op.path;
  const notes = [form.op.summary];
  if (form.limits) notes.push(`Rate limit: ${form.limits}.`);
  if (form.credential) notes.push("Its answer is a credential: Engage Desk does not show it.");
  if (form.upload) notes.push("An upload: choose the file; it is sent as multipart/form-data.");
  setText($("#console-summary"), notes.join(" "));
  $("#console-params").replaceChildren(...form.params.flatMap(field));
  $("#console-file-box").hidden = !form.upload;
  $("#console-body-box").hidden = form.body === null;
  /** @type {HTMLTextAreaElement} */ ($("[data-testid=console-body]")).value = form.body ?? "";
  hideConfirm();
}

function renderHistory(entries) {
  const list = $("#console-history");
  list.replaceChildren(
    ...entries.map((entry) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "console-op" + (entry.name ? " saved" : "");
      button.setAttribute("role", "listitem");
      button.dataset.testid = "console-history-item";
      const method = document.createElement("span");
      method.className = "method";
      method.textContent = entry.method;
      const what = document.createElement("span");
      what.textContent = `${entry.name ? entry.name + ": " : ""}${entry.status} · ${new Date(entry.at).toLocaleString()}`;
      const path = document.createElement("div");
      path.className = "path";
      path.textContent = entry.path;
      button.append(method, what, path);
      button.addEventListener("click", () => reopen(entry));
      return button;
    }),
  );
}

async function history() {
  renderHistory(await ipc.consoleHistory(/** @type {HTMLInputElement} */ ($("[data-testid=console-history-search]")).value));
}

// Puts a request from the history back into the form.
async function reopen(entry) {
  await open(entry.method, entry.path, null).catch(() => {});
  /** @type {HTMLSelectElement} */ ($("[data-testid=console-method]")).value = entry.method;
  /** @type {HTMLInputElement} */ ($("[data-testid=console-path]")).value = entry.path;
  const query = new Map(entry.query);
  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("[data-testid=console-param]"))) {
    const name = input.dataset.name || "";
    if (input.dataset.location === "path" && entry.values[name] !== undefined) input.value = entry.values[name];
    if (input.dataset.location === "query") input.value = query.get(name) ?? "";
  }
  if (entry.body) {
    $("#console-body-box").hidden = false;
    /** @type {HTMLTextAreaElement} */ ($("[data-testid=console-body]")).value = entry.body;
  }
}

function request(confirmed) {
  /** @type {Record<string, string>} */
  const values = {};
  /** @type {[string, string][]} */
  const query = [];
  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("[data-testid=console-param]"))) {
    const name = input.dataset.name || "";
    if (input.dataset.location === "path") values[name] = input.value;
    else if (input.value !== "") query.push([name, input.value]);
  }
  const bodyBox = $("#console-body-box");
  return {
    method: /** @type {HTMLSelectElement} */ ($("[data-testid=console-method]")).value,
    path: /** @type {HTMLInputElement} */ ($("[data-testid=console-path]")).value.trim(),
    values,
    query,
    body: bodyBox.hidden ? "" : /** @type {HTMLTextAreaElement} */ ($("[data-testid=console-body]")).value,
    confirmed,
    file: $("#console-file-box").hidden ? "" : /** @type {HTMLInputElement} */ ($("[data-testid=console-file]")).value,
  };
}

// The path as it will go out, for the confirmation only (Rust fills and
// checks the real one).
function shownPath(req) {
  return req.path.replace(/\{([^}]+)\}/g, (whole, name) => req.values[name] || whole);
}

function hideConfirm() {
  $("#console-confirm-box").hidden = true;
}

function missing(req) {
  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("[data-testid=console-param]"))) {
    if (input.required && input.value.trim() === "") return input;
  }
  return null;
}

async function send(confirmed) {
  clearError();
  const req = request(confirmed);
  const empty = missing(req);
  if (empty) {
    showError(`Fill in ${empty.dataset.name}: the operation needs it.`);
    empty.focus();
    return;
  }
  if (req.method !== "GET" && !confirmed) {
    setText($("#console-confirm-text"), `Send ${req.method} ${shownPath(req)}?`);
    $("#console-confirm-box").hidden = false;
    $("[data-testid=console-confirm]").focus();
    return;
  }
  hideConfirm();
  try {
    const answer = await withProgress("Sending…", ipc.consoleSend(req));
    setText($("[data-testid=console-status]"), String(answer.status));
    const waited = answer.waitedSecs > 0 ? ` (waited ${answer.waitedSecs} s for the rate limit)` : "";
    setText($("[data-testid=console-time]"), `${answer.millis} ms${waited}`);
    setText($("#console-size"), `${answer.size.toLocaleString()} bytes${answer.contentType ? `, ${answer.contentType}` : ""}`);
    $("[data-testid=console-save]").hidden = answer.kind === "empty";
    setText($("#console-saved"), "");
    showAnswer(answer);
  } catch (e) {
    showError(e.message);
  }
  await history().catch(() => {});
}

function onListKey(event) {
  const buttons = opButtons();
  const at = buttons.indexOf(/** @type {HTMLElement} */ (document.activeElement));
  let next = null;
  if (event.key === "ArrowDown") next = buttons[Math.min(at + 1, buttons.length - 1)];
  else if (event.key === "ArrowUp") next = at <= 0 ? null : buttons[at - 1];
  else return;
  event.preventDefault();
  if (next) {
    select(next);
    next.focus();
  } else {
    $("[data-testid=console-search]").focus();
  }
}

/** @type {import("../wire").Wait | null} */
let waiting = null;
let ticker = 0;

// The countdown of a call held back by a rate limit, once a second.
function showWait() {
  const el = $("[data-testid=console-wait]");
  if (!waiting) {
    el.hidden = true;
    el.textContent = "";
    clearInterval(ticker);
    ticker = 0;
    return;
  }
  const left = Math.max(0, Math.ceil((waiting.until - Date.now()) / 1000));
  el.textContent = `Waiting ${left} s for RingCX's rate limit (${waiting.reason}), then sending.`;
  el.hidden = false;
}

export function init() {
  initAnswer();
  ipc.onConsoleWait((wait) => {
    waiting = wait;
    showWait();
    if (wait && !ticker) ticker = window.setInterval(showWait, 250);
  });
  const box = $("[data-testid=console-search]");
  box.addEventListener("input", () => search().catch((e) => showError(e.message)));
  box.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "Enter") {
      const first = opButtons()[0];
      if (!first) return;
      event.preventDefault();
      if (event.key === "Enter") first.click();
      select(first);
      first.focus();
    }
  });
  $("#console-ops").addEventListener("keydown", onListKey);
  $("#console-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send(false);
  });
  $("[data-testid=console-confirm]").addEventListener("click", () => send(true));
  $("[data-testid=console-save]").addEventListener("click", async () => {
    clearError();
    try {
      const saved = await ipc.consoleSave();
      if (saved) setText($("#console-saved"), `Saved to ${saved}`);
    } catch (e) {
      showError(e.message);
    }
  });
  $("[data-testid=console-choose-file]").addEventListener("click", async () => {
    try {
      const path = await ipc.consoleChooseFile();
      if (path) /** @type {HTMLInputElement} */ ($("[data-testid=console-file]")).value = path;
    } catch (e) {
      showError(e.message);
    }
  });
  $("[data-testid=console-save-request]").addEventListener("click", async () => {
    clearError();
    const nameField = /** @type {HTMLInputElement} */ ($("[data-testid=console-save-name]"));
    const name = nameField.value.trim();
    try {
      const entries = await ipc.consoleHistory("");
      const last = entries.reduce((a, b) => (b.id > (a ? a.id : -1) ? b : a), /** @type {any} */ (null));
      if (!last) return showError("There is no request to keep yet. Send one first.");
      if (!name) return showError("Give the request a name to keep it.");
      await ipc.consoleName(last.id, name);
      nameField.value = "";
      await history();
    } catch (e) {
      showError(e.message);
    }
  });
  $("[data-testid=console-history-search]").addEventListener("input", () => history().catch((e) => showError(e.message)));
  $("[data-testid=console-copy-curl]").addEventListener("click", async () => {
    clearError();
    try {
      await ipc.consoleCopyCurl(request(false));
      setText($("#console-count"), "Copied as curl. Set RINGCX_TOKEN before running it.");
    } catch (e) {
      showError(e.message);
    }
  });
  $("#console-confirm-cancel").addEventListener("click", hideConfirm);
}

// Called when the view is shown.
export async function show() {
  if (opButtons().length === 0) await search().catch((e) => showError(e.message));
  await history().catch((e) => showError(e.message));
}
