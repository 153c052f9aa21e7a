"""What each step of a build read, so a rebuild redoes only the steps whose reads changed (as Hugo and Lektor
record dependencies, rather than listing them by hand).

The site's lookups (drugs by slug, the drugs of each class, each drug as one audience meets it, ...) are
`Table`s: dicts that note every key a step looks up, and note the whole table when a step walks it. A `Steps`
memo keeps each step's result with what it read. The next build compares its tables with the last build's once
(unchanged records are the very same objects, so this is mostly identity checks) and reruns only the steps that
read a key that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

EVERY = "*"  # a step that walked a whole table depends on all of it, even keys added later
Read = tuple[str, Any]  # (table name, key)

_reading: set[Read] | None = None  # the reads of the step running now, if one is being recorded


class Table(dict[K, V]):
    """A dict that notes the keys looked up, and the whole table when walked, while a step is recorded."""

    def __init__(self, name: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.name = name

    def __reduce__(self) -> tuple:  # pickled as what it is, a named dict
        return (Table, (self.name, dict(self)))

    def _key(self, key: object) -> None:
        if _reading is not None:
            _reading.add((self.name, key))

    def _all(self) -> None:
        if _reading is not None:
            _reading.add((self.name, EVERY))

    def __getitem__(self, key: K) -> V:
        self._key(key)
        return super().__getitem__(key)

    def get(self, key: K, default: Any = None) -> Any:
        self._key(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._key(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[K]:
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self):
        self._all()
        return super().items()


def changed_reads(before: dict[str, dict], now: dict[str, dict]) -> set[Read]:
    """Every (table, key) whose value differs between two builds' tables, and (table, EVERY) for each table
    with any difference. A table missing on one side counts as wholly changed."""
    changed: set[Read] = set()
    for name in before.keys() | now.keys():
        old, new = before.get(name), now.get(name)
        if old is None or new is None:
            changed.add((name, EVERY))
            changed.update((name, k) for k in dict.keys(old or new or {}))
            continue
        keys = [k for k in dict.keys(new) if not _same(dict.get(old, k, _MISSING), dict.__getitem__(new, k))]
        keys += [k for k in dict.keys(old) if not dict.__contains__(new, k)]
        if keys:
            changed.add((name, EVERY))
            changed.update((name, k) for k in keys)
    return changed


_MISSING = object()


def _same(a: object, b: object) -> bool:
    return a is b or (a is not _MISSING and a == b)


class Steps:
    """Results of the build's steps by key, each with the reads it made. Valid for the tables it was made from;
    `refresh` moves it on to a new build's tables, forgetting the steps whose reads changed."""

    def __init__(self) -> None:
        self.results: dict[Any, Any] = {}
        self.reads: dict[Any, set[Read]] = {}
        self.readers: dict[Read, set[Any]] = {}  # (table, key) -> the steps that read it
        self.tables: dict[str, dict] = {}
        self.whole: object = _MISSING

    def refresh(self, tables: dict[str, dict], whole: object = _MISSING) -> None:
        """Move on to this build's `tables` (others stay as they were). `whole` is what every step may read
        outside the tables (the site settings): when it changed, every step is forgotten."""
        if whole is not _MISSING and whole != self.whole:
            self.results, self.reads, self.readers, self.tables = {}, {}, {}, {}
            self.whole = whole
        known = {name: self.tables[name] for name in tables if name in self.tables}
        if known:
            for read in changed_reads(known, {name: tables[name] for name in known}):
                for step in self.readers.pop(read, ()):
                    self._forget(step)
        self.tables.update(tables)  # a table new to the memo was read by no step kept in it

    def _forget(self, step: Any) -> None:
        self.results.pop(step, None)
        for read in self.reads.pop(step, ()):
            readers = self.readers.get(read)
            if readers is not None:
                readers.discard(step)
                if not readers:
                    del self.readers[read]

    def run(self, step: Any, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)`, or its result from the last build when nothing it read has changed."""
        global _reading
        if step in self.results:
            if _reading is not None:
                _reading.update(self.reads[step])
            return self.results[step]
        outer, _reading = _reading, set()
        try:
            result = fn(*args)
            reads = _reading
        finally:
            _reading = outer
        if outer is not None:
            outer.update(reads)  # a step run inside another: the outer one read all this too
        self._forget(step)
        self.results[step] = result
        self.reads[step] = reads
        for read in reads:
            self.readers.setdefault(read, set()).add(step)
        return result

    def keep_only(self, stage: str, steps: set[tuple]) -> None:
        """Drop the steps of `stage` (the first item of their keys) not asked for this build: a removed record's."""
        for step in [s for s in self.results if s[0] == stage and s not in steps]:
            self._forget(step)
