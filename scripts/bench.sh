#!/usr/bin/env bash
# make bench: builds each release binary once, then runs every figure and
# writes docs/BENCHMARKS.md.
#
# - The bench runner (tests/src/bin/bench/), first: it fails fast.
# - The app with `tauri build`: the release binary with the custom-protocol
#   feature (the one the window figures run) and its .deb and .rpm (P5), with
#   the release config and updater artifacts off, so no signing keys.
# - The floor, benches/bare-tauri, the same way, with its .deb and .rpm.
#
# A plain `cargo build --release` of the app beside `tauri build` would build
# it twice: the CLI builds with other features and the release config.
# BENCH_RUNS, BENCH_FIGURES and BENCH_OUT pass through to the runner.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
cargo="${CARGO:-cargo}"

started=$(date +%s)
timings=()
step() {
  local name=$1
  shift
  local t=$(date +%s)
  echo "bench: building $name"
  "$@"
  local took=$(( $(date +%s) - t ))
  timings+=("$name $took s")
  echo "bench: $name built in $took s"
}

step "the runner" "$cargo" build --release -p e2e --bin bench
step "the command line (packaged with the app)" scripts/sidecar.sh
step "the app and its packages" npx --no-install tauri build --ci --bundles deb,rpm \
  --config src-tauri/tauri.release.conf.json \
  --config '{"bundle":{"createUpdaterArtifacts":false}}'
step "the floor and its packages" \
  bash -c 'cd benches/bare-tauri && exec npx --no-install tauri build --ci --bundles deb,rpm'

built=$(( $(date +%s) - started ))
note="Builds before the run took $built s (this machine, the target dir as it was): $(IFS=,; echo "${timings[*]}" | sed 's/,/, /g')."
echo "bench: $note"

# The builds leave gigabytes of dirty pages: write them out now, not while
# the first figures run.
sync

BENCH_BUILD_NOTE="$note" \
ENGAGE_APP_BIN="$target/release/engage-desk" \
BENCH_BARE_BIN="$target/release/bare-tauri" \
BENCH_BUNDLE_DIR="$target/release/bundle" \
  "$target/release/bench"

echo "bench: make bench took $(( $(date +%s) - started )) s in all"
