# Engage Desk. Every target installs what it needs first (scripts/deps.sh).
.PHONY: deps run test lint unit e2e demo bench bundle clean

CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

deps:
	@scripts/deps.sh

## Build and open the app.
run: deps
	$(CARGO) run -p engage-desk

## Every check: formatting, lints, unit and integration tests, end to end.
test: deps lint
	node --test ui/tests/
	$(CARGO) test --workspace

lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## The end-to-end suite alone (builds the app first).
e2e: deps
	$(CARGO) test --workspace --no-run
	$(CARGO) test -p e2e

## The app against the fake server with sample data: no account needed.
demo: deps
	scripts/demo.sh

bench: deps
	@echo "make bench: not yet (issue 7)." >&2
	@exit 1

bundle: deps
	@echo "make bundle: not yet. Installers arrive with the packaging work (issue 6)." >&2
	@exit 1

clean:
	$(CARGO) clean
