"""The real site passes every trust gate: links, privacy, HTML validity, and accessibility in Chromium (axe-core,
keyboard, phone width, tap targets, 200% text in dark mode) on one page of every kind in each view.

These are the gates `check --strict` runs (`run_trust_checks`), one test each, and accessibility one test per
view, so that two workers share them; tests/test_trust_checks.py shows the runner runs them all. Browser and
Java checks are reported as skipped, with the reason, where their tools are missing; CI installs them
(`bash .ci/setup.sh --test`), so there they run. `check --strict` fails instead of skipping.
"""

from __future__ import annotations

import pytest

import patientpages.checks as checks
from patientpages.checks import ToolMissing, accessibility_problems, broken_links, invalid_html, privacy_problems
from patientpages.checks.accessibility import VIEWS

TESTED_HERE = {"links", "privacy", "html validity", "accessibility"}


@pytest.fixture(scope="module")
def built(real_build):
    return real_build.site.out, real_build.result.graph.content.site.record.base_url


def problems_or_skip(gate) -> list[str]:
    try:
        return [str(p) for p in gate()]
    except ToolMissing as missing:
        pytest.skip(str(missing))


def test_real_site_has_no_broken_link_or_fragment(built):
    out, base_url = built
    assert problems_or_skip(lambda: broken_links(out, base_url=base_url)) == []


def test_real_site_loads_nothing_from_another_host_and_carries_its_policy(built):
    out, _ = built
    assert problems_or_skip(lambda: privacy_problems(out)) == []


def test_real_site_is_valid_html(built):
    out, _ = built
    assert problems_or_skip(lambda: invalid_html(out)) == []


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.label.replace(" ", "-"))
def test_real_site_is_accessible(built, chromium, view):
    # One page of every kind (URL shape); `check --strict` visits every page.
    out, _ = built
    assert problems_or_skip(lambda: accessibility_problems(out, browser=chromium, sample=True, views=[view])) == []


def test_site_ships_its_security_headers(built):
    out, _ = built
    headers = (out / "_headers").read_text()
    assert "Content-Security-Policy: default-src 'self'" in headers
    assert "Referrer-Policy: no-referrer" in headers


def test_every_gate_of_the_strict_check_is_tested_here(tmp_path, monkeypatch):
    """A gate added to `run_trust_checks` needs its test on the real site above: this fails until it has one."""
    for gate in ("broken_links", "privacy_problems", "invalid_html", "accessibility_problems"):
        monkeypatch.setattr(checks, gate, lambda *args, **kwargs: [])
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>Home</title>", encoding="utf-8")
    lines: list[str] = []
    checks.run_trust_checks(tmp_path, progress=lines.append)
    assert {line.split(":")[0] for line in lines} == TESTED_HERE
