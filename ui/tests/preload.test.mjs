// index.html preloads every module of the import graph from main.js, and
// nothing else: a module added, renamed or dropped fails here until the
// list follows.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ui = join(dirname(fileURLToPath(import.meta.url)), "..");

function imports(file) {
  const text = readFileSync(join(ui, file), "utf8");
  const found = [];
  for (const m of text.matchAll(/^\s*import\s+(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gms)) {
    if (m[1].startsWith(".")) found.push(relative(ui, normalize(join(ui, dirname(file), m[1]))));
  }
  return found;
}

function graph(entry) {
  const seen = new Set();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop();
    for (const dep of imports(file)) {
      if (!seen.has(dep)) {
        seen.add(dep);
        todo.push(dep);
      }
    }
  }
  return seen;
}

test("index.html preloads exactly the modules main.js imports", () => {
  const html = readFileSync(join(ui, "index.html"), "utf8");
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual([...preloaded].sort(), [...graph("main.js")].sort());
  assert.equal(new Set(preloaded).size, preloaded.length, "a module preloaded twice");
});

test("the import scanner finds imports spread over lines", () => {
  const deps = imports("views/console.js");
  assert.ok(deps.includes("views/answer.js"), deps.join(", "));
  assert.ok(deps.includes("ipc.js"), deps.join(", "));
});
