"""Where the external checkers live. A missing tool raises ToolMissing: the runner reports the gate as not run,
which fails `check --strict` (tests skip instead, with the reason)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / ".tools" / "node_modules"
INSTALL_HINT = "install the checkers with: bash .ci/setup.sh --test"


class ToolMissing(Exception):
    """A checker cannot run on this machine; the message says what is missing and how to get it."""


def _file_from_env_or_default(env_var: str, default: Path, what: str) -> Path:
    configured = os.environ.get(env_var)
    path = Path(configured) if configured else default
    if not path.is_file():
        source = f"${env_var}" if configured else "the default location"
        raise ToolMissing(f"{what} not found at {path} ({source}); {INSTALL_HINT} (or set ${env_var})")
    return path


def vnu_jar() -> Path:
    return _file_from_env_or_default(
        "VNU_JAR", NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar", "vnu.jar (npm package vnu-jar)"
    )


def axe_js() -> Path:
    return _file_from_env_or_default(
        "AXE_JS", NODE_MODULES / "axe-core" / "axe.min.js", "axe.min.js (npm package axe-core)"
    )


def java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidates = [str(Path(java_home) / "bin" / "java")] if java_home else []
    candidates.append(shutil.which("java") or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise ToolMissing(f"Java runtime not found; {INSTALL_HINT}")


# Chromium's headless shell first: the same Blink as the browser without its windowing layers, it makes the
# browser checks about a fifth faster (the real site's pages in three views: 13 s instead of 16 s).
CHROMIUM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser")


def chromium() -> str:
    configured = os.environ.get("CHROMIUM")
    candidates = [configured] if configured else [shutil.which(name) for name in CHROMIUM_NAMES]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    where = f" at $CHROMIUM={configured}" if configured else ""
    raise ToolMissing(f"Chromium not found{where}; {INSTALL_HINT}")
