"""Write the site into a staging folder beside site/ and swap it in whole, only once everything succeeded.

A failed build, or one interrupted half-way, leaves the last good site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on normal exit it replaces `out`, on error it is removed."""
    out = out.resolve()
    staging = out.with_name(f".{out.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, out)


def _swap(staging: Path, out: Path) -> None:
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
