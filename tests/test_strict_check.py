"""`check --strict`: its rules (overdue reviews become errors), and that a gate it could not run fails it.

The rules are tested as functions on a fixture build; one command-line run, with the checkers' tools made
unfindable through their environment variables, shows both reach the editor. It needs no browser or Java.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from conftest import FIXTURE, PROJECT, once_per_run, paths_for

from patientpages.pipeline import build
from patientpages.report import strict_problems

# Both fixture drugs say `reviewed: 2026-11-01` and the fixture site says `review_months: 12`.
LAST_DAY_CURRENT = dt.date(2027, 11, 1)
# The fixture site's base_url, https://test.example.org/, is a placeholder: an error in a strict check.
PLACEHOLDER = (
    "site.yaml:2:11: base_url https://test.example.org/ is a placeholder; set the site's public address before "
    "publishing (links, sitemap, feed and QR codes use it)"
)


def in_fixture(problem: str) -> str:
    return problem.removeprefix(f"{FIXTURE}/")


@pytest.fixture(scope="module")
def fixture_result(tmp_path_factory):
    return build(paths_for(FIXTURE, tmp_path_factory.mktemp("unused") / "site"), write=False)


def test_reviews_are_current_until_their_due_date(fixture_result):
    assert [in_fixture(p) for p in strict_problems(fixture_result, LAST_DAY_CURRENT)] == [PLACEHOLDER]


def test_an_overdue_review_is_a_strict_error_at_the_reviewed_line(fixture_result):
    problems = strict_problems(fixture_result, LAST_DAY_CURRENT + dt.timedelta(days=1))
    assert [in_fixture(p) for p in problems] == [
        "drugs/alphamab.yaml:30:11: review was due on 2027-11-01",
        "drugs/betanib.yaml:14:11: review was due on 2027-11-01",
        PLACEHOLDER,
    ]


@pytest.fixture(scope="module")
def strict_without_tools(tmp_path_factory):
    """`check --strict` on fixture content with an overdue review, where vnu.jar and axe-core cannot be found;
    run once per test run, as both workers may run this module's tests."""
    return once_per_run(tmp_path_factory, "strict-without-tools", _strict_check_without_tools)


def _strict_check_without_tools(tmp) -> subprocess.CompletedProcess:
    content = tmp / "content"
    subprocess.run(["cp", "-r", str(FIXTURE), str(content)], check=True)
    drug = content / "drugs/betanib.yaml"
    drug.write_text(drug.read_text().replace("reviewed: 2026-11-01", "reviewed: 2020-01-01"))
    env = {**os.environ, "VNU_JAR": str(tmp / "no-vnu.jar"), "AXE_JS": str(tmp / "no-axe.js")}
    env.pop("CI", None)  # failing must not depend on running in CI
    where = ["--root", str(PROJECT), "--content", str(content), "--out", str(tmp / "site")]
    # First the editor's own build, which lays out the handouts; the strict check should not do that again.
    subprocess.run([sys.executable, str(PROJECT / "build.py"), *where], capture_output=True, check=True, timeout=300)
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "check", "--strict", *where],
        capture_output=True,
        text=True,
        cwd=tmp,
        env=env,
        timeout=300,
    )


def test_a_strict_check_that_could_not_run_a_gate_fails_and_says_how_to_install_it(strict_without_tools):
    result = strict_without_tools
    assert result.returncode == 1
    assert "Strict check passed" not in result.stdout
    errors = result.stderr.splitlines()
    for gate, tool in (("html validity", "vnu.jar"), ("accessibility", "axe.min.js")):
        [line] = [e for e in errors if e.startswith(f"the {gate} check could not run:")]
        assert tool in line and "bash .ci/setup.sh --test" in line, line
    # The overdue review, the placeholder address and the two gates that could not run, each one problem.
    assert errors[-1] == "Strict check failed: 4 problems."
    assert "Traceback" not in result.stderr


def test_an_overdue_review_fails_a_strict_check(strict_without_tools):
    assert "betanib.yaml:14:11: review was due on 2021-01-01" in strict_without_tools.stderr


def test_a_strict_check_reuses_the_handouts_the_last_build_laid_out(strict_without_tools):
    [line] = [line for line in strict_without_tools.stdout.splitlines() if line.startswith("handouts:")]
    laid_out, reused = map(int, re.search(r"(\d+) laid out, (\d+) reused from cache", line).groups())
    assert laid_out == 0 and reused > 0, line
