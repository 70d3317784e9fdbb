#!/usr/bin/env bash
# Installs what Gateway needs, and only what is missing, so it is cheap to call on every run.
#   tools/install.sh           npm packages (tools/package.json, exact versions from the lock file)
#   tools/install.sh --tests   the same, plus the Debian packages the test suite drives
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages the tests need (a real browser for the tag test).
test_apt_packages=(chromium)

say() { printf '[install] %s\n' "$*" >&2; }

install_npm() {
  local marker="$root/tools/node_modules/.gateway-lock"
  if [ -f "$marker" ] && cmp -s "$root/tools/package-lock.json" "$marker"; then
    return 0
  fi
  command -v npm >/dev/null || { say "npm is required (Node.js 20+); install nodejs and npm"; exit 1; }
  say "installing npm packages from tools/package-lock.json"
  # No package here needs an install script; refusing them keeps the install offline-safe and reproducible.
  (cd "$root/tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  cp "$root/tools/package-lock.json" "$marker"
}

install_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

install_npm
if [ "${1:-}" = "--tests" ]; then
  install_apt "${test_apt_packages[@]}"
fi
