#!/usr/bin/env bash
# Builds the release `engage` command line and puts it where Tauri's
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
  "$cargo" build --release -p engage-cli --target "$triple"
  built="$target_dir/$triple/release"
else
  triple=$(rustc -vV | sed -n 's/^host: //p')
  "$cargo" build --release -p engage-cli
  built="$target_dir/release"
fi
ext=""
case "$triple" in *windows*) ext=".exe" ;; esac
mkdir -p src-tauri/binaries
cp "$built/engage$ext" "src-tauri/binaries/engage-$triple$ext"
echo "sidecar: src-tauri/binaries/engage-$triple$ext"
