"""One small family of errors. A Problem points at a place in a file; BuildFailed carries all of them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def problem_at(path: Path | str, line: int, column: int, message: str) -> Problem:
    return Problem(str(path), max(line, 1), max(column, 1), message)


class BuildFailed(Exception):
    """Raised with every problem found, so the editor sees them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))
