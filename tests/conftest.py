"""Shared helpers: build fixture content and the real content once per session, and read their pages.

Under pytest-xdist every worker has its own session; `once_per_run` makes an expensive build once for all of
them, and hands each worker a copy of its result.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import http.client
import io
import json
import os
import pickle
import shutil
import socket
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pypdf
import pytest
from bs4 import BeautifulSoup

from patientpages.cli import build_extras
from patientpages.handouts import write_handouts
from patientpages.pipeline import BuildResult, Paths, build

PROJECT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "content"


def paths_for(content: Path, out: Path) -> Paths:
    return Paths(content, PROJECT / "templates", PROJECT / "static", out)


class Site:
    """A built site, with its pages parsed the way a reader's browser would see them."""

    def __init__(self, out: Path):
        self.out = out

    def soup(self, relative: str) -> BeautifulSoup:
        path = self.out / relative
        if path.is_dir() or relative.endswith("/") or not relative:
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def exists(self, relative: str) -> bool:
        return (self.out / relative).is_file()

    def pages(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))


def fingerprint(out: Path) -> dict[str, str]:
    """Every file's hash: equal fingerprints mean byte-for-byte the same site."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Site:
    out = tmp_path_factory.mktemp("fixture") / "site"
    build(paths_for(FIXTURE, out))
    return Site(out)


# A folder the whole run shares, its workers too (they inherit the environment): made by the first process.
SHARED = "PATIENTPAGES_TESTS_SHARED"


def pytest_configure(config: pytest.Config) -> None:
    if SHARED not in os.environ:
        os.environ[SHARED] = tempfile.mkdtemp(prefix="patientpages-tests-")
        config.add_cleanup(lambda: shutil.rmtree(os.environ.pop(SHARED), ignore_errors=True))


@functools.cache
def pdf_pages_text(path: Path) -> tuple[str, ...]:
    """The text of each page of a PDF, whitespace collapsed. pypdf takes a good part of a second for a handout,
    so each PDF is read once per run, whichever worker and module asks: by its bytes' hash, in SHARED."""
    data = path.read_bytes()
    stored = Path(os.environ[SHARED]) / f"{hashlib.sha256(data).hexdigest()}.json"
    with contextlib.suppress(OSError, ValueError):
        return tuple(json.loads(stored.read_text(encoding="utf-8")))
    text = tuple(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    partial = stored.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(text), encoding="utf-8")
    partial.replace(stored)  # whole or not at all: the other worker may be reading it
    return text


T = TypeVar("T")


# The longest chains of work, started first, in this order: a test goes with the first entry its
# "file::name" starts with, and the rest keep their order. Each worker is handed one or two tests at a time
# (`--maxschedchunk 2` in pyproject.toml): the first worker's first two build the real site (its handouts in two
# processes) and check it, while the other worker checks hand-made pages in the browser and rebuilds, which need
# no real site; then the real site's accessibility, one view a test, and the other long tests; short tests fill
# in at the end, so no worker finishes a long test alone.
SLOW_FIRST = (
    "test_trust_real_site.py::test_real_site_is_valid_html",
    "test_trust_real_site.py::test_real_site_has_no_broken_link_or_fragment",
    "test_trust_checks.py::test_browser_passes_the_good_pages",  # makes `browser_problems`, 18 pages in 3 views
    "test_trust_checks.py::test_vnu_reports_invalid_html_and_passes_valid_pages",
    "test_incremental.py",  # needs no real site either: time for it to be built
    "test_handouts.py::test_long_content_is_set_tighter_not_cut",  # nor these two, its own tiny sites
    "test_handouts.py::test_clinic_command_writes_every_handout_with_the_clinics_details",
    "test_trust_real_site.py",
    "test_trust_checks.py",
    "test_editor_commands.py",
    "test_handouts.py",
    "test_strict_check.py",
    "test_content_rules.py",
    "test_hardening_data_loss.py",
    "test_hardening_serve.py",
    "test_real_content.py",
    "test_search.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = f"{item.path.name}::{item.name}"
        return next((n for n, start in enumerate(SLOW_FIRST) if name.startswith(start)), len(SLOW_FIRST))

    items.sort(key=rank)  # a stable sort: the tests of a module keep their order


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from this build instead of comparing with it (then review git diff)",
    )


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """`make(folder)` runs once per test run, even across xdist workers; every caller gets its value.

    The first worker to ask makes it under a file lock and stores the value; the others wait, then load it.
    (xdist's own `--dist loadgroup` would do this by sending the tests to one worker, but it does not work with
    pytest 9, and sharing lets both workers read the site at once.)"""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by this run's workers, and by no other run
    folder, stored = root / name, root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stored.exists():
            return pickle.loads(stored.read_bytes())
        folder.mkdir()
        value = make(folder)
        stored.write_bytes(pickle.dumps(value))
        return value


@dataclass(frozen=True)
class RealBuild:
    """A built site with its handouts: what the build returned, its pages and its progress lines."""

    result: BuildResult
    site: Site
    messages: list[str]


def built_with_handouts(content: Path, out: Path, *, every_edition: bool) -> RealBuild:
    messages: list[str] = []
    # What `build` writes (cli.build_extras), with the handouts in the editions asked for.
    extras = [*build_extras(handouts=False), functools.partial(write_handouts, default_only=not every_edition)]
    result = build(paths_for(content, out), extras=extras, progress=messages.append)
    return RealBuild(result, Site(out), messages)


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> RealBuild:
    """The real content with its handouts in the default edition (A4) only: every real handout in every edition
    would triple the suite's slowest step (a PDF takes over a second to lay out). The other paper, large print
    and bundles are tested on the fixture content (`fixture_every_edition`).

    Built once per test run and shared: tests read it and never change it. A test that rebuilds writes beside
    it (`site.out.with_name(...)`), which shares its handout cache."""
    return once_per_run(
        tmp_path_factory,
        "real",
        lambda folder: built_with_handouts(PROJECT / "content", folder / "site", every_edition=False),
    )


@pytest.fixture(scope="session")
def fixture_every_edition(tmp_path_factory) -> RealBuild:
    """The fixture content with every handout edition (both papers, large print) and the bundles, as
    `build` makes them; shared by the run's workers like `real_build`."""
    return once_per_run(
        tmp_path_factory,
        "fixture-every-edition",
        lambda folder: built_with_handouts(FIXTURE, folder / "site", every_edition=True),
    )


@pytest.fixture(scope="session")
def real_site(real_build) -> tuple[BuildResult, Site]:
    return real_build.result, real_build.site


@pytest.fixture(scope="session")
def real_with_handouts(real_build) -> tuple[Path, BuildResult, list[str]]:
    """The shared real build as (site folder, BuildResult, progress messages)."""
    return real_build.site.out, real_build.result, real_build.messages


@pytest.fixture
def strict_rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """`check --strict` with its rules alone: the browser and validator gates pass at once (test_trust_checks and
    test_trust_real_site run them) and no handout PDF is laid out (test_handouts tests them; test_strict_check
    runs one whole strict check from the command line)."""
    import patientpages.checks as checks
    from patientpages import cli

    monkeypatch.setattr(checks, "run_trust_checks", lambda *a, **k: checks.CheckResult())
    monkeypatch.setattr(cli, "build_extras", functools.partial(build_extras, handouts=False))


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A private copy of the fixture content that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture(scope="session")
def real_content_site(real_build) -> tuple[BuildResult, Site]:
    """The shared real build, as (build result, site)."""
    return real_build.result, real_build.site


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per worker, shared by every test that drives a browser (each opens its own page,
    and so its own browser context, and closes it): starting Chromium and Playwright's driver costs a second or
    two. Tests that use it skip, with the reason, where Playwright or Chromium is missing."""
    from patientpages.checks.browser import launched_browser
    from patientpages.checks.tools import ToolMissing

    with contextlib.ExitStack() as stack:
        try:
            browser = stack.enter_context(launched_browser())
        except ToolMissing as missing:
            pytest.skip(str(missing))
        yield browser


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now, for a dev server under test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_command(port: int, *args: str) -> list[str]:
    """`build.py serve` on 127.0.0.1:`port` with more `args`, to run as a subprocess."""
    return [sys.executable, str(PROJECT / "build.py"), "serve", "--port", str(port), *args]


def wait_for(predicate, seconds: float = 20.0):
    """`predicate()`'s first true value, asked every 0.2 s; a server not up yet (or a page replaced while it was
    read) counts as not yet."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()
