"""What the build may read: regular files inside the project's own folders, no bigger than a set limit.

A symlink out of content/, templates/ or static/ could publish any file on the machine (or echo it in an error
message), and a huge file or a device could hang the build; both are refused before a byte is read.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, problem_at

DEFAULT_MAX_FILE_KB = 512  # the largest content file today is under 10 KB
OUTSIDE = "symlink points outside the content, templates and static folders; copy the file in instead"


@dataclass(frozen=True)
class Access:
    """The folders a build may read from (resolved) and the largest content file it accepts."""

    folders: tuple[Path, ...]
    max_bytes: int = DEFAULT_MAX_FILE_KB * 1024

    @classmethod
    def of(cls, *folders: Path, max_kb: int = DEFAULT_MAX_FILE_KB) -> Access:
        return cls(tuple(f.resolve() for f in folders), max_kb * 1024)

    def inside(self, path: Path) -> bool:
        target = path.resolve()
        return any(target == f or f in target.parents for f in self.folders)


def read_bytes(path: Path, access: Access, problems: list[Problem]) -> bytes | None:
    """The file's bytes, or None with the reason added to `problems`."""
    if not access.inside(path):
        problems.append(problem_at(path, 1, 1, OUTSIDE))
        return None
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            problems.append(problem_at(path, 1, 1, "this is a folder, but its name says it is a file; rename it"))
            return None
        if not stat.S_ISREG(info.st_mode):
            problems.append(problem_at(path, 1, 1, "not a regular file; content files must be plain text files"))
            return None
        with open(path, "rb") as handle:
            data = handle.read(access.max_bytes + 1)
    except OSError as err:
        problems.append(problem_at(path, 1, 1, f"cannot read this file: {err.strerror or err}"))
        return None
    if len(data) > access.max_bytes:
        limit = access.max_bytes // 1024
        problems.append(
            problem_at(
                path,
                1,
                1,
                f"file is larger than the {limit} KB limit for content files; split it, "
                "or raise max_file_kb in site.yaml",
            )
        )
        return None
    return data


def links_outside(folder: Path, access: Access) -> list[Problem]:
    """Every symlink under `folder` that leads out of the project's folders (not followed into)."""
    problems = []
    for top, dirs, files in os.walk(folder):
        for name in sorted([*dirs, *files]):
            path = Path(top, name)
            if path.is_symlink() and not access.inside(path):
                problems.append(problem_at(path, 1, 1, OUTSIDE))
    return problems
