#!/usr/bin/env bash
# `make demo`: the fake RingCentral + RingCX server with sample data (3 agents,
# 300 users), and the app pointed at it through its "Demo" profile. Sign in
# with the browser button: the fake approves at once and sends the browser
# back to the app, so every view works without a RingCentral account.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${DEMO_PORT:-8787}"
cargo build -p fake-ringcx -p engage-desk
target=${CARGO_TARGET_DIR:-target}
"$target/debug/fake-ringcx" --demo --port "$port" &
fake=$!
trap 'kill "$fake" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "demo: fake server on http://127.0.0.1:$port (client id fake-client-id)"
ENGAGE_DEMO_SERVER="http://127.0.0.1:$port" "$target/debug/engage-desk"
