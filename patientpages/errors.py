"""One small family of errors, and how each reaches the terminal.

- `Problem`: a mistake at a place in a file (`path:line:column: message`).
- `BuildFailed`: every problem found in the content, templates or static files, reported together (exit 1).
- `Refused`: a request the tool will not carry out as asked, e.g. an unsafe `--out` folder (exit 2).
Anything else that escapes is a bug in the tool, reported as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# C0 and C1 control characters (other than tab and newline), plus the invisible characters that reorder or hide
# text: shown escaped in messages, so a file can never retitle, clear or rewrite the editor's terminal.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """`text` with every control or direction-changing character written out as an escape, e.g. `\\x1b`."""
    return _UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}:{self.column}: {self.message}")


def problem_at(path: Path | str, line: int, column: int, message: str) -> Problem:
    return Problem(str(path), max(line, 1), max(column, 1), message)


class PatientPagesError(Exception):
    """The family: an error the tool expected and can explain to the editor."""


class BuildFailed(PatientPagesError):
    """Raised with every problem found, so the editor sees them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))


class BuildCancelled(PatientPagesError):
    """A newer save made this build pointless (the dev server); it stopped before writing anything."""


class Refused(PatientPagesError):
    """A command the tool will not carry out as asked; the message says why and what to do instead."""

    def __str__(self) -> str:
        return printable(super().__str__())
