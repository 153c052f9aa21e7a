"""Trust gates run on a built site by `build.py check`: links, HTML validity, accessibility and privacy.

A gate that cannot run here (no Chromium, Java or npm tools) is reported in `skipped`, never passed silently;
`check --strict` fails on it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, problem_at
from .accessibility import accessibility_problems
from .html_validity import invalid_html
from .links import broken_links
from .pages import display_path, html_pages
from .privacy import privacy_problems
from .tools import ToolMissing

__all__ = [
    "CheckResult",
    "run_trust_checks",
    "broken_links",
    "invalid_html",
    "accessibility_problems",
    "privacy_problems",
    "ToolMissing",
]


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "<check>: <why it could not run>"

    def ok(self, *, allow_skipped: bool = False) -> bool:
        return not self.problems and (allow_skipped or not self.skipped)


def run_trust_checks(
    site_dir: Path, *, progress: Callable[[str], Any] = print, base_url: str | None = None, sample_pages: bool = False
) -> CheckResult:
    """Runs every gate on site_dir.

    base_url: the site's public address; absolute links to it are then checked like internal ones.
    sample_pages: browser checks visit one page per URL shape instead of every page.
    """
    site_dir = Path(site_dir)
    result = CheckResult()
    if not html_pages(site_dir):
        result.problems.append(problem_at(display_path(site_dir), 1, 1, "no HTML pages found to check"))
        return result
    with ThreadPoolExecutor(max_workers=1) as background:
        # vnu.jar is a separate JVM process: let it work while the browser checks run here.
        validity = background.submit(_run_gate, "html validity", lambda: invalid_html(site_dir))
        links = _run_gate("links", lambda: broken_links(site_dir, base_url=base_url))
        privacy = _run_gate("privacy", lambda: privacy_problems(site_dir))
        accessibility = _run_gate(
            "accessibility", lambda: accessibility_problems(site_dir, sample=sample_pages, progress=progress)
        )
        gates = [links, privacy, validity.result(), accessibility]
    for name, outcome, seconds in gates:
        if isinstance(outcome, ToolMissing):
            result.skipped.append(f"{name}: {outcome}")
            progress(f"{name}: SKIPPED, {outcome}")
            continue
        if isinstance(outcome, Exception):  # a crashed gate fails the check; the others still report
            outcome = [
                problem_at(
                    display_path(site_dir), 1, 1, f"the {name} check crashed: {type(outcome).__name__}: {outcome}"
                )
            ]
        result.problems += outcome
        progress(f"{name}: {len(outcome)} problem(s) in {seconds:.1f}s")
    result.problems = sorted(set(result.problems))
    return result


def _run_gate(name: str, gate: Callable[[], list[Problem]]) -> tuple[str, list[Problem] | Exception, float]:
    started = time.perf_counter()
    try:
        outcome: list[Problem] | Exception = gate()
    except Exception as error:  # ToolMissing included: the caller tells skipped from crashed
        outcome = error
    return name, outcome, time.perf_counter() - started
