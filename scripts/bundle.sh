#!/usr/bin/env bash
# make bundle: the release app and its .deb and .rpm, built here offline with
# the npm Tauri CLI, signed with throwaway keys (the real keys live in CI
# secrets), then checked: metadata, signatures, install, launch, uninstall.
# AppImage downloads its tools while it builds, so only the release
# workflow makes it.
set -euo pipefail
cd "$(dirname "$0")/.."

keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT

# Updater key pair, no password.
npx --no-install tauri signer generate --ci -p "" -f -w "$keys/updater.key" >/dev/null
pubkey=$(cat "$keys/updater.key.pub")
printf '{"plugins":{"updater":{"pubkey":"%s"}}}' "$pubkey" >"$keys/updater-pubkey.json"

# GPG key for the rpm signature, no passphrase.
export GNUPGHOME="$keys/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "Engage Desk bundle test <bundle-test@engagedesk.invalid>" rsa3072 sign never
gpg --batch --armor --export-secret-keys >"$keys/rpm.key"
gpg --batch --armor --export >"$keys/rpm.pub"

start=$(date +%s)
scripts/sidecar.sh
TAURI_SIGNING_PRIVATE_KEY=$(cat "$keys/updater.key") \
TAURI_SIGNING_PRIVATE_KEY_PASSWORD="" \
TAURI_SIGNING_RPM_KEY=$(cat "$keys/rpm.key") \
  npx --no-install tauri build --bundles deb,rpm \
    --config src-tauri/tauri.release.conf.json --config "$keys/updater-pubkey.json"
echo "bundle: release build and packages took $(( $(date +%s) - start )) s"

bundle="${CARGO_TARGET_DIR:-target}/release/bundle"
cargo run --quiet -p e2e --bin bundle-check -- "$bundle" "$keys"
ls -l "$bundle"/deb/*.deb "$bundle"/rpm/*.rpm
