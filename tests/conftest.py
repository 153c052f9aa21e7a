"""Shared helpers: build fixture content and the real content once per session, and read their pages.

Under pytest-xdist every worker has its own session; `once_per_run` makes an expensive build once for all of
them, and hands each worker a copy of its result.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import socket
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from bs4 import BeautifulSoup

from patientpages.cli import build_extras
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


T = TypeVar("T")


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
    """The real content, built with its A4 handouts: what the build returned, its pages and its progress lines."""

    result: BuildResult
    site: Site
    messages: list[str]


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> RealBuild:
    """Built once per test run and shared: tests read it and never change it. A test that rebuilds writes beside
    it (`site.out.with_name(...)`), which shares its handout cache."""

    def make(folder: Path) -> RealBuild:
        messages: list[str] = []
        result = build(paths_for(PROJECT / "content", folder / "site"), extras=build_extras(), progress=messages.append)
        return RealBuild(result, Site(folder / "site"), messages)

    return once_per_run(tmp_path_factory, "real", make)


@pytest.fixture(scope="session")
def real_site(real_build) -> tuple[BuildResult, Site]:
    return real_build.result, real_build.site


@pytest.fixture(scope="session")
def real_with_handouts(real_build) -> tuple[Path, BuildResult, list[str]]:
    """The shared real build as (site folder, BuildResult, progress messages)."""
    return real_build.site.out, real_build.result, real_build.messages


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


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now, for a dev server under test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()
