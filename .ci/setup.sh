#!/usr/bin/env bash
# Set up a fresh machine: system libraries for the PDF handouts, a virtual environment in .venv with the
# project installed. With --test, also the test extras and the trust-check tools (Chromium, Java, vnu, axe).
# Safe to rerun: every step is skipped when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

# WeasyPrint draws text with Pango; DejaVu gives it a font with every character we print.
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || ! fc-list 2>/dev/null | grep -qi dejavu; then
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    fontconfig </dev/null
fi

python3 -m venv .venv
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"

if [ "${1:-}" = "--test" ]; then
  bash .ci/install-tools.sh
  # pdftoppm lets the handout tests look at printed pages as pixels (greyscale check).
  command -v pdftoppm >/dev/null 2>&1 || as_root apt-get install -y -q --no-install-recommends poppler-utils </dev/null
fi
