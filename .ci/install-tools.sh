#!/usr/bin/env bash
# Installs what the trust checks (`build.py check --strict`) need: Chromium's headless shell, a Java runtime,
# and the npm packages vnu-jar (Nu HTML Checker) and axe-core, pinned, into <repo>/.tools.
# Idempotent: each step runs only when its tool is missing, so rerunning is cheap. Needs no stdin.
set -euo pipefail

VNU_JAR_VERSION=26.9.27
AXE_CORE_VERSION=4.14.1

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

has_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

apt_packages=()
# The headless shell: the browser's engine without its windows, lighter for checks (patientpages/checks/tools.py).
command -v chromium-headless-shell >/dev/null 2>&1 || apt_packages+=(chromium-headless-shell)
# Layout (and so the phone-width check) depends on fonts; pin the same fonts everywhere.
has_deb fonts-liberation || apt_packages+=(fonts-liberation)
has_deb fonts-dejavu-core || apt_packages+=(fonts-dejavu-core)
command -v java >/dev/null 2>&1 || apt_packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
has_deb ca-certificates || apt_packages+=(ca-certificates)
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "apt-get install ${apt_packages[*]}"
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends "${apt_packages[@]}" </dev/null
fi

# Compare installed versions, not just presence, so bumping a pin above reinstalls.
installed_version() {
  node -p "require('$repo/.tools/node_modules/$1/package.json').version" 2>/dev/null || true
}
if [ "$(installed_version vnu-jar)" != "$VNU_JAR_VERSION" ] \
   || [ "$(installed_version axe-core)" != "$AXE_CORE_VERSION" ]; then
  mkdir -p "$repo/.tools"
  # --ignore-scripts: vnu-jar's postinstall downloads a Java runtime from GitHub; we use the system one.
  npm install --prefix "$repo/.tools" --no-audit --no-fund --no-save --ignore-scripts \
    "vnu-jar@$VNU_JAR_VERSION" "axe-core@$AXE_CORE_VERSION" </dev/null
fi

echo "trust-check tools ready:"
echo "  chromium: $(command -v chromium-headless-shell) ($(chromium-headless-shell --version 2>/dev/null | head -n1))"
echo "  java:     $(command -v java)"
echo "  vnu.jar:  $repo/.tools/node_modules/vnu-jar/build/dist/vnu.jar ($VNU_JAR_VERSION)"
echo "  axe.js:   $repo/.tools/node_modules/axe-core/axe.min.js ($AXE_CORE_VERSION)"
