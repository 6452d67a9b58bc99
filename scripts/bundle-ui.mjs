// Makes what the app's window loads, src-tauri/gen/ui/ (tauri.conf.json's
// frontendDist), from ui/: the styles as they are, and the page with the ES
// modules inside it as one module. WebKit fetches each module through the app's
// custom protocol only once its importer is parsed; ten of them kept the
// sign-in form about 30 ms from ready (docs/BENCHMARKS.md, P1).
//
// The modules stay the source: tsc and the UI's unit tests read them. Not
// minified, so a stack trace in the web inspector still reads as the code.
// Run by src-tauri/build.rs whenever a build sees ui/ changed, and by
// the Tauri CLI (beforeBuildCommand), which wants the folder before cargo
// runs. Writes only files whose bytes changed, so cargo does not see a
// change that is not one.

import { build } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ui = join(root, "ui");
const out = join(root, "src-tauri", "gen", "ui");
// The styles, and the page with the bundle in it: nothing else of ui/ ships.
const COPIED = ["style.css"];

// The newest time of what the files are made from: a made file carries it,
// so cargo, which watches gen/ui/index.html to make it again when it is gone,
// does not take this run's own writing for a change.
function newest(dir) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}
const sourcesTime = new Date(Math.max(newest(ui), statSync(fileURLToPath(import.meta.url)).mtimeMs));

function writeIfChanged(path, bytes) {
  let old = null;
  try {
    old = readFileSync(path);
  } catch {
    // Not there yet.
  }
  if (old !== null && Buffer.compare(old, Buffer.from(bytes)) === 0) return;
  // Whole or not at all: another build (an editor's check) may be reading.
  const part = `${path}.${process.pid}.part`;
  writeFileSync(part, bytes);
  utimesSync(part, sourcesTime, sourcesTime);
  renameSync(part, path);
}

const bundled = await build({
  entryPoints: [join(ui, "main.js")],
  bundle: true,
  format: "esm",
  write: false,
  outfile: join(out, "main.js"),
  legalComments: "none",
  logLevel: "warning",
});

mkdirSync(out, { recursive: true });
const wanted = new Set(["index.html", ...COPIED]);
for (const name of readdirSync(out)) {
  // Another run's part file is its own to rename.
  if (!wanted.has(name) && !name.endsWith(".part")) rmSync(join(out, name), { recursive: true, force: true });
}
for (const name of COPIED) writeIfChanged(join(out, name), readFileSync(join(ui, name)));
// The module goes inside the page: fetched on its own, through the same
// custom protocol, it came a round trip after the page. Tauri hashes an
// inline script into the page's CSP when it embeds the page.
const code = bundled.outputFiles[0].text;
if (/<\/script/i.test(code)) throw new Error("the bundle has a closing script tag in it; it cannot go inline");
const page = readFileSync(join(ui, "index.html"), "utf8");
const tag = '<script type="module" src="main.js"></script>';
if (page.split(tag).length !== 2) throw new Error(`ui/index.html must load the modules with exactly one ${tag}`);
writeIfChanged(join(out, "index.html"), page.replace(tag, () => `<script type="module">\n${code}</script>`));
