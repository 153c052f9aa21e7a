"""The build cache beside site/ (`.site.cache/`): what the last good build read and wrote, so a rebuild redoes
only what changed. It holds the parsed content files (reused while their bytes are the same), and for every page
the digest of what it read and the files it produced. Deleting it only makes the next build a full one; a change
to this package's code or to a library that shapes the output makes it start afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import pickle
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import Problem

T = TypeVar("T")
_LIBRARIES = ("jinja2", "markdown", "nh3", "pydantic", "pyyaml", "textstat", "weasyprint", "pydyf", "segno")


def _code_version() -> str:
    h = hashlib.sha256(b"patientpages-cache-v1")
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    for name in _LIBRARIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            h.update(f"{name}={importlib.metadata.version(name)}".encode())
    return h.hexdigest()


VERSION = _code_version()


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def file_sha(path: str) -> str:
    """sha256 of a file's bytes."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# A file as a loaded Builder looked at it before a build: its lstat and `file_sha` ("" if it could not be read).
Looked = tuple[os.stat_result, str]


def cache_folder(out: Path) -> Path:
    out = out.resolve()
    return out.with_name(f".{out.name}.cache")


@dataclass
class PageReads:
    """What one page read while it rendered, and what came of it."""

    key: str  # digest of the page's plan: its view (records, narratives), title, breadcrumbs
    site: str  # digest of what every page reads besides its plan: the site settings and the glossary
    templates: dict[str, str]  # template name -> digest of its source: the page's template, includes, extends
    links: dict[tuple[str, str], str]  # cross-links its Markdown asked for -> where each led
    grade: float | None
    terms: list[str] = field(default_factory=list)  # glossary terms it links (the glossary lists where each is used)


@dataclass
class FileMemo:
    """Parsed content files by path. A file whose size, time and place are unchanged is not read again; one
    whose bytes are unchanged is not parsed again. Files that had problems are never kept: they are read in
    full every time, so every problem is reported every time."""

    entries: dict[str, tuple[tuple, str, str, Any]] = field(default_factory=dict)  # path -> stamp, sha, tag, value
    seen: set[str] = field(default_factory=set)
    # path -> lstat and digest, from the look a loaded Builder took just before this build; for this build only
    walked: dict[str, Looked] = field(default_factory=dict)

    def read(
        self, path: Path | str, tag: str, max_bytes: int, problems: list[Problem], parse: Callable[[list[Problem]], T]
    ) -> T:
        key = os.fspath(path)
        looked = self.walked.get(key)
        try:
            info = looked[0] if looked else os.lstat(path)
        except OSError:
            return parse(problems)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return parse(problems)  # symlinks and oddities get the full checks every time
        self.seen.add(key)
        # The device and inode tell a file moved in under the same name (a folder swapped); cheaper than realpath.
        stamp = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)
        hit = self.entries.get(key)
        if hit and hit[0] == stamp and hit[2] == tag:
            return hit[3]
        try:
            sha = looked[1] if looked and looked[1] else file_sha(key)
        except OSError:
            return parse(problems)
        if hit and hit[1] == sha and hit[2] == tag:
            self.entries[key] = (stamp, sha, tag, hit[3])
            return hit[3]
        found: list[Problem] = []
        value = parse(found)
        problems += found
        if found:
            self.entries.pop(key, None)
        else:
            self.entries[key] = (stamp, sha, tag, value)
        return value

    def forget_unseen(self) -> None:
        """Drop files that were not read this build (removed, renamed), and this build's look at the files."""
        self.entries = {k: v for k, v in self.entries.items() if k in self.seen}
        self.seen = set()
        self.walked = {}


@dataclass
class Output:
    sha: str
    size: int
    mtime_ns: int


@dataclass
class BuildState:
    """Everything the cache holds. `outputs` describes site/ as the last good build left it."""

    version: str = VERSION
    files: FileMemo = field(default_factory=FileMemo)
    pages: dict[str, PageReads] = field(default_factory=dict)  # output path -> what it read
    # handout path -> digest of what shaped it (its context, stylesheet, paper), and the templates it read
    handouts: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)  # path in site/ -> its bytes as written
    extra_outputs: list[str] = field(default_factory=list)  # the files the extras (handouts) put
    extra_keys: dict[str, str] = field(default_factory=dict)  # an extra's name -> digest of what shaped its files
    site_files: str = ""  # digest of the list of every file in site/, for the whole-site page checks
    templates: dict[str, str] = field(default_factory=dict)  # template name -> digest of its source, as built

    @classmethod
    def load(cls, out: Path) -> BuildState:
        """The cache for `out`, or an empty one if there is none, it is unreadable or from other code."""
        try:
            with open(cache_folder(out) / "state.pickle", "rb") as f:
                state = pickle.load(f)
        except Exception:  # missing, truncated, from an older layout: start afresh
            return cls()
        if not isinstance(state, cls) or state.version != VERSION:
            return cls()
        return state

    @staticmethod
    def discard(out: Path) -> None:
        with contextlib.suppress(OSError):
            (cache_folder(out) / "state.pickle").unlink()

    def save(self, out: Path) -> None:
        folder = cache_folder(out)
        tmp = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / "state.pickle")
        except (OSError, pickle.PicklingError, RecursionError):  # a cache that cannot be kept only costs time
            if tmp:
                Path(tmp).unlink(missing_ok=True)
