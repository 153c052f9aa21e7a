"""HTML validity via the Nu HTML Checker (vnu.jar): one JVM for the whole site, since JVM start-up dominates."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import Problem, problem_at
from . import tools
from .pages import display_path


def _file_of(url: str | None, site_dir: Path) -> str:
    if not url:
        return display_path(site_dir)
    return display_path(Path(unquote(urlsplit(url).path)))


# The quick compiler only: a check is one short run, and Java's second compiler spends more CPU than it saves
# (83 pages: 2.5 s of CPU instead of 5.4 s, 1.9 s instead of 2.9 s wall; 2,148 pages: 20 s of CPU instead of
# 25 s, 5% longer). Its compiled code needs a deeper stack than the default for vnu's schema checks.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss4m")


def invalid_html(site_dir: Path) -> list[Problem]:
    """Every vnu error (not warning) in the site's .html files. Raises ToolMissing without Java or vnu.jar."""
    command = [
        tools.java(),
        *JAVA_OPTIONS,
        "-jar",
        str(tools.vnu_jar()),
        "--format",
        "json",
        "--skip-non-html",
        "--exit-zero-always",
        str(site_dir),
    ]
    run = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=900)
    try:
        report = json.loads(run.stderr)  # vnu writes its JSON report to stderr
    except json.JSONDecodeError:
        detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or [f"exit code {run.returncode}"]
        return [problem_at(display_path(site_dir), 1, 1, f"vnu.jar failed: {detail[0]}")]
    problems = []
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue  # "info" messages, including warnings, do not fail the build
        line = message.get("firstLine", message.get("lastLine", 1))
        column = message.get("firstColumn", message.get("lastColumn", 1))
        problems.append(
            problem_at(
                _file_of(message.get("url"), site_dir),
                line,
                column,
                f"invalid HTML: {message.get('message', '').strip()}",
            )
        )
    return problems
