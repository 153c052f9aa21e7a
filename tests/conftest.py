"""Shared helpers: build fixture content into a temporary site and read its pages."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from patientpages.pipeline import Paths, build

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


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A private copy of the fixture content that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Site:
    """The published content, built once (without handout PDFs) for every test that reads its pages."""
    out = tmp_path_factory.mktemp("real-site") / "site"
    build(paths_for(PROJECT / "content", out))
    return Site(out)


def shared_handout_cache(tmp_path_factory) -> Path:
    """One handout PDF cache for the whole run, shared by pytest-xdist's workers: the real content's PDFs are
    rendered once, however many tests build them."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "handout-cache"


@pytest.fixture(scope="session")
def real_site_with_handouts(tmp_path_factory):
    """The published content with every handout edition and bundle; (site folder, build result, messages)."""
    from patientpages.cli import build_extras
    from patientpages.handouts import write_handouts

    out = tmp_path_factory.mktemp("real-handouts") / "site"
    messages: list[str] = []
    handouts = functools.partial(write_handouts, cache_folder=shared_handout_cache(tmp_path_factory))
    extras = [*build_extras(handouts=False), handouts]  # what a published build writes
    result = build(paths_for(PROJECT / "content", out), extras=extras, progress=messages.append)
    return out, result, messages
