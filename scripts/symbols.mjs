// Tauri's beforeBundleCommand (src-tauri/tauri.release.conf.json): runs
// after the release binary is linked and before it is packaged. The
// packages ship it without its symbol table (a fifth of its size); the
// unstripped copy is kept beside it as `symbols/engage-desk-<triple>.sym`,
// which the release workflow uploads, so a crash report from a shipped
// build can still be read (README, "Reading a crash report").
//
// Windows keeps symbols in a .pdb, never in the .exe: the .pdb is copied
// when the build made one, and the .exe is left alone.

import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
const triple = process.env.TAURI_ENV_TARGET_TRIPLE || "";
const profile = process.env.TAURI_ENV_DEBUG === "true" ? "debug" : "release";
const windows = process.platform === "win32";
// The binary's name: the app's, or another's (the bench's floor is packaged
// the same way).
const base = process.argv[2] || "engage-desk";
const name = windows ? `${base}.exe` : base;

// `tauri build --target T` links into target/T/release, a plain build into
// target/release: the binary just built is the newer of the two.
const candidates = [join(targetDir, triple, profile, name), join(targetDir, profile, name)]
  .filter((p) => existsSync(p))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
if (candidates.length === 0) {
  console.error(`symbols: no ${name} under ${targetDir}; was the app built?`);
  process.exit(1);
}
const binary = candidates[0];
const out = join(dirname(binary), "symbols");
mkdirSync(out, { recursive: true });
const stem = `${base}-${triple || process.platform}`;

if (windows) {
  const pdb = join(dirname(binary), `${base.replaceAll("-", "_")}.pdb`);
  if (existsSync(pdb)) copyFileSync(pdb, join(out, `${stem}.pdb`));
  console.log(`symbols: ${binary} has none to strip (Windows keeps them in a .pdb)`);
} else {
  const kept = join(out, `${stem}.sym`);
  // Stripped into a new file first: cargo does not link again when nothing
  // changed, and Tauri writes its bundle type into the binary after this
  // runs, so a binary stripped last time has to be told by its content. A
  // strip that saves nothing means the symbols were kept already.
  const next = join(out, `${stem}.stripping`);
  // macOS's strip takes no --strip-all; with no option it removes every
  // symbol the executable does not need to run.
  const flags = process.platform === "darwin" ? [] : ["--strip-all"];
  execFileSync("strip", [...flags, "-o", next, binary], { stdio: "inherit" });
  if (statSync(next).size >= statSync(binary).size) {
    rmSync(next);
    console.log(`symbols: ${binary} is stripped already; symbols kept in ${kept}`);
    process.exit(0);
  }
  copyFileSync(binary, kept);
  chmodSync(next, statSync(binary).mode);
  // A new file, not a write through the name: cargo hard-links the name to
  // its own copy, which keeps its symbols.
  renameSync(next, binary);
  const mb = (p) => (statSync(p).size / 1e6).toFixed(1);
  console.log(`symbols: ${binary} stripped (${mb(kept)} MB to ${mb(binary)} MB); symbols kept in ${kept}`);
}
