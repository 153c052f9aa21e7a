"""Write the site into a staging folder beside site/ and swap it in whole, only once everything succeeded.

A failed build, or one interrupted half-way, leaves the last good site exactly as it was. The swap deletes the
old output folder, so it is guarded: the output folder may not hold (or be) the editor's own files, only a folder
this tool made (it carries a marker file) is ever replaced, and one build at a time writes to it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import Refused

MARKER = ".patientpages-site"
MARKER_TEXT = "This folder was made by patientpages; each build replaces it whole. Do not keep your own files here.\n"
LOCK_WAIT_SECONDS = 5.0


def refuse_unsafe_output(out: Path, keep: dict[str, Path]) -> None:
    """Refuse an output folder whose replacement would delete the editor's work: one that is, holds or lies
    inside a folder in `keep` (content, templates, static), or a non-empty folder this tool did not make."""
    out = out.resolve()
    for name, folder in keep.items():
        folder = folder.resolve()
        if out == folder or out in folder.parents or folder in out.parents:
            raise Refused(
                f"refusing to write the site to {out}: each build replaces that folder whole, and it "
                f"{'is' if out == folder else 'holds' if out in folder.parents else 'lies inside'} the {name} "
                f"folder {folder}; choose a separate folder with --out, e.g. --out site"
            )
    if out.exists() and not out.is_dir():  # (out is resolved: a symlinked --out means its target folder)
        raise Refused(f"refusing to write the site to {out}: it is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise Refused(
            f"refusing to replace {out}: the folder is not empty and was not made by this tool (it has no "
            f"{MARKER} file); choose a new or empty folder with --out, or delete this one yourself"
        )


@contextmanager
def output_lock(out: Path, wait: float | None = None) -> Iterator[None]:
    """One build at a time per output folder. The lock is an OS file lock, so a build that was killed
    holds nothing: its stale lock file is simply taken over."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.with_name(f".{out.name}.lock")
    # Never unlinked: removing a lock file someone else waits on would let two builds in at once.
    with open(path, "a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise Refused(
                        f"another build (process {holder}) is writing to {out}; wait for it to finish "
                        "(or stop it) and try again"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def swap_in(staging: Path, out: Path) -> None:
    """Replace `out` whole with the finished `staging` folder; the last good site comes back if that fails."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError:
        if old.exists():
            os.replace(old, out)  # put the last good site back
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_file(root: Path, relative: str, data: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def copy_static(static: Path, root: Path) -> None:
    if static.is_dir():
        shutil.copytree(static, root / "static", dirs_exist_ok=True)
