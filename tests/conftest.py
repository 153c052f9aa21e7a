"""Shared helpers: build fixture content into a temporary site and read its pages."""

from __future__ import annotations

import hashlib
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
