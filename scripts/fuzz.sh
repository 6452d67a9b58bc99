#!/usr/bin/env bash
# make fuzz: every target in fuzz/fuzz_targets/ under libFuzzer, FUZZ_RUNS
# executions each (10 million unless told), two at a time. What the fuzzer
# finds interesting grows fuzz/corpus/<target>/, which is then minimised
# and committed: `make test` replays it on stable (crates/fuzz-targets).
# Needs a nightly toolchain (cargo-fuzz builds with sanitizers); the figures
# go to target/fuzz-report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: no nightly toolchain on this machine; install one with 'rustup toolchain install nightly'" >&2
  exit 1
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

runs="${FUZZ_RUNS:-10000000}"
targets=$(cargo +nightly fuzz list)
mkdir -p target/fuzz-logs
report=target/fuzz-report.txt
: > "$report"

# Build every target once, before running them in parallel.
cargo +nightly fuzz build

run() {
  local t=$1 log=target/fuzz-logs/$1.log
  if cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
      -runs="$runs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    local execs secs
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' | tail -1)
    echo "$t: ${execs:-?} executions in ${secs:-?} s, no crash" | tee -a "$report"
  else
    echo "$t: FAILED, see $log and fuzz/artifacts/$t/" | tee -a "$report"
    return 1
  fi
}
export -f run
export runs report

status=0
printf '%s\n' $targets | xargs -P 2 -I{} bash -c 'run {}' || status=1

# Keep the committed corpus small: only inputs that add coverage.
for t in $targets; do
  cargo +nightly fuzz cmin "$t" "fuzz/corpus/$t" >/dev/null 2>&1 || true
done
echo "fuzz: corpus files now: $(find fuzz/corpus -type f | wc -l)"
exit $status
