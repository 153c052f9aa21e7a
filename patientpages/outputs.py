"""The files of the finished site, committed together only once the whole build succeeded.

A build `put`s every file the site is to hold (or `keep`s one it knows is unchanged on disk). A full build writes
them all into a staging folder that replaces site/ whole (write.swap_in). A rebuild stages only the files whose
bytes changed, writes a journal naming them and the files to remove, and then moves them in; if that is
interrupted, the next build finishes the journal first, so site/ is always one whole build or the next.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import NamedTuple

from .build_cache import Output
from .write import MARKER, MARKER_TEXT, swap_in, write_file


def _journal(out: Path) -> Path:
    return out.with_name(f".{out.name}.commit")


def _staging(out: Path) -> Path:
    return out.with_name(f".{out.name}.changes")


def _full_staging(out: Path) -> Path:
    return out.with_name(f".{out.name}.staging")


def finish_interrupted_commit(out: Path) -> None:
    """Complete a rebuild whose commit was cut short: its journal is written only once every changed file is
    staged, so rolling forward gives exactly that build's site. Without a journal, half-staged files are
    dropped."""
    out = out.resolve()
    journal, staging = _journal(out), _staging(out)
    if journal.is_file():
        plan = json.loads(journal.read_text(encoding="utf-8"))
        _apply(out, staging, plan["changed"], plan["removed"])
        journal.unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _apply(out: Path, staging: Path, changed: list[str], removed: list[str]) -> None:
    for relative in changed:
        source = staging / relative
        if source.exists():  # already moved by an earlier, interrupted attempt
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for relative in removed:
        path = out / relative
        path.unlink(missing_ok=True)
        for parent in path.parents:  # a removed page leaves no empty folder behind
            if parent == out:
                break
            with contextlib.suppress(OSError):
                parent.rmdir()


class Staged(NamedTuple):
    sha: str  # of the file's bytes
    size: int  # -1: not staged, as site/ holds these very bytes


class SiteOutputs:
    """Collects the site's files. With `previous` (what the last good build wrote, as the cache recorded it)
    only changed files are written; without it, the whole site is. Each file is written to a staging folder as it
    is put, so a build never holds the whole site in memory; nothing reaches site/ before `commit`."""

    def __init__(self, out: Path, previous: dict[str, Output] | None):
        self.out = out.resolve()
        self.out_text = str(self.out)
        self.previous = previous
        self.changed: dict[str, str] = {}  # path -> sha256 of the bytes staged for it
        self.present: dict[str, Output] = {}
        self._staging: Path | None = None  # made at the first file put
        self.committed = False

    def _stage(self) -> Path:
        if self._staging is None:
            folder = _staging(self.out) if self.previous is not None else _full_staging(self.out)
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            self._staging = folder
        return self._staging

    def intact(self, relative: str) -> bool:
        """The file is in site/ exactly as the last good build wrote it (nobody changed or removed it)."""
        if self.previous is None or relative not in self.previous:
            return False
        try:
            info = os.stat(os.path.join(self.out_text, relative))  # called for every page: no Path objects
        except OSError:
            return False
        known = self.previous[relative]
        return info.st_size == known.size and info.st_mtime_ns == known.mtime_ns

    def put(self, relative: str, data: str | bytes) -> None:
        self.note(relative, self.stage(relative, data))

    def open_staging(self) -> None:
        """Make the staging folder now, before worker processes fork and `stage` files into it."""
        self._stage()

    def stage(self, relative: str, data: str | bytes) -> Staged:
        """Stage the file unless site/ holds these very bytes; hand the answer to `note`. Changes nothing in
        this object, so a forked worker may stage files (once `open_staging` was called) and return the answer
        to the build's own process."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        sha = hashlib.sha256(raw).hexdigest()
        if self.intact(relative) and self.previous and self.previous[relative].sha == sha:
            return Staged(sha, -1)
        write_file(self._stage(), relative, raw)
        return Staged(sha, len(raw))

    def note(self, relative: str, staged: Staged) -> None:
        """Record a file `stage` staged (or found unchanged in site/)."""
        if staged.size < 0:
            assert self.previous is not None
            self.changed.pop(relative, None)
            self.present[relative] = self.previous[relative]
        else:
            self.changed[relative] = staged.sha
            self.present[relative] = Output(staged.sha, staged.size, 0)

    def keep(self, relative: str) -> None:
        """An unchanged file the caller checked with `intact`."""
        assert self.previous is not None and relative in self.previous, relative
        self.present[relative] = self.previous[relative]

    def read(self, relative: str) -> bytes:
        """The file as this build leaves it: staged, or in site/ (unchanged, or after `commit`)."""
        if relative in self.changed and not self.committed:
            return (self._stage() / relative).read_bytes()
        return (self.out / relative).read_bytes()

    @property
    def removed(self) -> list[str]:
        return sorted(set(self.previous or ()) - set(self.present))

    def discard(self) -> None:
        """Drop what was staged: the build stopped."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    def commit(self) -> dict[str, Output]:
        """Move the changes into site/ together; return what site/ now holds, for the cache."""
        if self.previous is None:
            staging = self._stage()
            (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            written = {r: os.stat(staging / r) for r in self.changed}  # os.replace keeps size and time
            swap_in(staging, self.out)
        elif self.changed or self.removed:
            staging, journal = self._stage(), _journal(self.out)
            written = {r: os.stat(staging / r) for r in self.changed}
            tmp = journal.with_suffix(".tmp")
            tmp.write_text(json.dumps({"changed": sorted(self.changed), "removed": self.removed}), encoding="utf-8")
            os.replace(tmp, journal)  # from here on the build counts as done
            _apply(self.out, staging, sorted(self.changed), self.removed)
            journal.unlink()
            shutil.rmtree(staging, ignore_errors=True)
        else:
            self.discard()
            written = {}
        self._staging = None
        self.committed = True
        for relative, info in written.items():
            self.present[relative] = Output(self.present[relative].sha, info.st_size, info.st_mtime_ns)
        return dict(self.present)


class RenderedPages(MutableMapping[str, str]):
    """The HTML of the pages rendered this build, by path in site/. A page staged in `outputs` is read back when
    asked for rather than held: a build of thousands of pages would otherwise hold every page in memory. Pages
    set here (a build that writes nothing, a page rendered again by an extra) are held."""

    def __init__(self, outputs: SiteOutputs | None = None):
        self.outputs = outputs
        self.pages: dict[str, str | None] = {}  # None: staged, read back from outputs

    def staged(self, relative: str) -> None:
        assert self.outputs is not None
        self.pages[relative] = None

    def __getitem__(self, relative: str) -> str:
        html = self.pages[relative]
        if html is None:
            assert self.outputs is not None
            return self.outputs.read(relative).decode("utf-8")
        return html

    def __setitem__(self, relative: str, html: str) -> None:
        self.pages[relative] = html

    def __delitem__(self, relative: str) -> None:
        del self.pages[relative]

    def __contains__(self, relative: object) -> bool:
        return relative in self.pages

    def __iter__(self) -> Iterator[str]:
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)
