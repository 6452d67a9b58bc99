#!/usr/bin/env bash
# Builds the `engage` command line (the `cli` profile: release, built for
# size, stripped: 7 MB where the plain release build is 16) and puts it where Tauri's
# bundle.externalBin (src-tauri/tauri.release.conf.json) takes it from:
# src-tauri/binaries/engage-<target triple>. The packages then carry it next
# to the app (/usr/bin on Linux, inside the .app on macOS, beside the .exe on
# Windows). Run by `make bundle`, `make bench` and the release workflow,
# before `tauri build`.
#
# Usage: scripts/sidecar.sh [TARGET-TRIPLE]   (default: this machine's)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo="${CARGO:-cargo}"
target_dir="${CARGO_TARGET_DIR:-target}"
if [ $# -gt 0 ]; then
  triple=$1
  "$cargo" build --profile cli -p engage-cli --target "$triple"
  built="$target_dir/$triple/cli"
else
  triple=$(rustc -vV | sed -n 's/^host: //p')
  "$cargo" build --profile cli -p engage-cli
  built="$target_dir/cli"
fi
ext=""
case "$triple" in *windows*) ext=".exe" ;; esac
mkdir -p src-tauri/binaries
cp "$built/engage$ext" "src-tauri/binaries/engage-$triple$ext"
echo "sidecar: src-tauri/binaries/engage-$triple$ext"
