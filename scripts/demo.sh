#!/usr/bin/env bash
# `make demo`: the fake RingCentral + RingCX server with sample data (3 agents,
# 40,000 users, so the account's user tree is a 20 MB answer in the console;
# DEMO_USERS=300 for a small one), and the app pointed at it through its
# "Demo" profile. Sign in with the browser button: the fake approves at once
# and sends the browser back to the app, so every view works without a
# RingCentral account.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${DEMO_PORT:-8787}"
cargo build -p fake-ringcx -p engage-desk
target=${CARGO_TARGET_DIR:-target}
"$target/debug/fake-ringcx" --demo --port "$port" --users "${DEMO_USERS:-40000}" &
fake=$!
trap 'kill "$fake" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "demo: fake server on http://127.0.0.1:$port (client id fake-client-id)"
cat <<'EOF'
demo: in the Console, try
  agent groups                     GET, {accountId} filled in; then a follow-up's Pick… list
  active calls list                three calls; then hangupCall with one's uii (a text/plain "true")
  leadSearch                       send it 16 times in 10 s: the countdown, then it goes
  lead loader preview              POST a CSV (Choose…), then leadLoader/process with its transactionId
  recordings segments              dialogId 7, segmentId 1: a WAV, Save to file…
  /voice/api/v1/admin/users        about 20 MB: scroll, filter, fold
  admin/token                      a credential: never shown, Copy… asks first
EOF
ENGAGE_DEMO_SERVER="http://127.0.0.1:$port" "$target/debug/engage-desk"
