"""Read the whole content/ tree into typed records. Every file is accounted for: an unexpected file is an
error, so a misnamed narrative is never silently left off its page."""

from __future__ import annotations

import os
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from . import kinds, model
from .build_cache import FileMemo
from .errors import BuildFailed, Problem, problem_at
from .file_access import Access
from .load import Document, TextFile, load_markdown, load_yaml
from .records import to_record
from .tracking import Table

FOLDERS = {kind.folder: kind.model for kind in kinds.KINDS}
NARRATIVE = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<audience>adult|child))?\.md$")
RECORD = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.yaml$")


R = TypeVar("R", bound=model.Record, covariant=True)
T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[R]):
    """A record with the document it came from, so later stages can point at file and line."""

    slug: str
    record: R
    doc: Document
    narratives: dict[str, TextFile] = field(default_factory=dict)  # "" for a shared narrative, else audience


@dataclass
class Content:
    root: Path
    site: Entry[model.Site]
    sources: dict[str, Entry[model.Source]]
    glossary: list[Entry[model.GlossaryTerm]]
    folders: dict[str, dict[str, Entry[Any]]]  # by kind folder; each kind's model, as the registry says
    # Records whose files exist but did not validate: references to them are not reported as unknown,
    # so one mistake gives one message.
    invalid: dict[str, dict[str, bool]] = field(default_factory=dict)  # folder -> slug -> True
    # Records marked `draft: true`, by folder: checked like the rest, but never planned, so never published.
    drafts: dict[str, dict[str, Entry[Any]]] = field(default_factory=dict)

    @property
    def drugs(self) -> dict[str, Entry[model.Drug]]:
        return self.folders[kinds.DRUG.folder]

    @property
    def side_effects(self) -> dict[str, Entry[model.SideEffect]]:
        return self.folders[kinds.SIDE_EFFECT.folder]

    @property
    def conditions(self) -> dict[str, Entry[model.Condition]]:
        return self.folders[kinds.CONDITION.folder]

    @property
    def classes(self) -> dict[str, Entry[model.TreatmentClass]]:
        return self.folders[kinds.TREATMENT_CLASS.folder]

    def of_kind(self, kind: kinds.Kind) -> dict[str, Entry[Any]]:
        return self.folders[kind.folder]

    def tables(self) -> dict[str, dict]:
        """The content's lookups a build step may read, by name (tracking.py)."""
        found = [*self.folders.values(), self.sources, *self.drafts.values(), *self.invalid.values()]
        return {t.name: t for t in found if isinstance(t, Table)}

    def file_count(self) -> int:
        """How many files the content was read from (the report's "N content files")."""
        out = [self.site.doc.path, *(e.doc.path for e in dict.values(self.sources))]
        out += [e.doc.path for e in self.glossary]
        for entries in [*self.folders.values(), *self.drafts.values()]:
            for e in entries.values():
                out += [e.doc.path, *(t.path for t in e.narratives.values())]
        return len(set(out))


def read_content(
    root: Path, problems: list[Problem], readable: tuple[Path, ...] = (), memo: FileMemo | None = None
) -> Content:
    """Read every file, adding each problem found to `problems`; the valid records are returned so that the
    link stage can report its problems in the same run. Files may be symlinks only into `root` or `readable`.
    With a `memo`, files whose bytes are unchanged since the last read are not parsed again."""
    if not root.is_dir():
        raise BuildFailed([problem_at(root, 1, 1, "content folder not found")])
    read = _Reader(memo)
    site = _read_single(root / kinds.SITE_FILE, model.Site, problems, Access.of(root, *readable), read)
    if site is None:
        raise BuildFailed(problems)  # every later stage needs the site settings
    access = Access.of(root, *readable, max_kb=typing.cast(model.Site, site.record).max_file_kb)
    sources: dict[str, Entry] = Table(
        "sources", _read_mapping(root / kinds.SOURCES_FILE, model.Source, problems, access, read)
    )
    glossary = _read_list(root / kinds.GLOSSARY_FILE, model.GlossaryTerm, problems, access, read)
    folders: dict[str, dict[str, Entry]] = {}
    invalid: dict[str, dict[str, bool]] = {}
    for name, kind in FOLDERS.items():
        entries, slugs = _read_folder(root / name, kind, problems, access, read)
        folders[name] = Table(name, entries)
        invalid[name] = Table(f"invalid:{name}", dict.fromkeys(slugs - set(entries), True))
    drafts: dict[str, dict[str, Entry]] = {
        name: Table(f"drafts:{name}", {s: e for s, e in entries.items() if getattr(e.record, "draft", False)})
        for name, entries in folders.items()
    }
    for name, entries in drafts.items():
        for slug in entries:
            del folders[name][slug]
    _refuse_strays(root, problems)
    return Content(root, site, sources, glossary, folders, invalid, drafts)


class _Reader:
    """Parses one file, or hands back last build's result for it where the memo has one."""

    def __init__(self, memo: FileMemo | None):
        self.memo = memo

    def __call__(
        self, path: Path | str, kind, access: Access, problems: list[Problem], parse: Callable[[list[Problem]], T]
    ) -> T:
        if self.memo is None:
            return parse(problems)
        return self.memo.read(path, f"{parse.__name__}:{kind.__name__}", access.max_bytes, problems, parse)


# A path may come as a string: most files are the memo's (unchanged since the last build), and a Path is made
# only for one that is parsed.
def _record_file(
    path: Path | str, kind, access: Access, slug: str, read: _Reader, problems: list[Problem]
) -> Entry | None:
    def record_file(found: list[Problem]) -> Entry | None:
        doc = load_yaml(Path(path), found, access)
        record = doc and to_record(doc, kind, found)
        return Entry(slug, record, doc) if doc and record else None

    return read(path, kind, access, problems, record_file)


def _narrative_file(path: Path | str, access: Access, read: _Reader, problems: list[Problem]) -> TextFile | None:
    def narrative_file(found: list[Problem]) -> TextFile | None:
        return load_markdown(Path(path), found, access)

    return read(path, TextFile, access, problems, narrative_file)


def _read_single(path: Path, kind, problems, access: Access, read: _Reader) -> Entry | None:
    if not path.exists():
        problems.append(problem_at(path, 1, 1, f"missing file; expected the {kind.__name__.lower()} settings"))
        return None
    return _record_file(path, kind, access, path.stem, read, problems)


def _read_mapping(path: Path, kind, problems, access: Access, read: _Reader) -> dict[str, Entry]:
    if not path.exists():
        problems.append(problem_at(path, 1, 1, "missing file; expected a mapping of slug: record"))
        return {}

    def mapping_file(found: list[Problem]) -> dict[str, Entry]:
        return _mapping(path, kind, found, access)

    return read(path, kind, access, problems, mapping_file)


def _mapping(path: Path, kind, problems, access: Access) -> dict[str, Entry]:
    doc = load_yaml(path, problems, access)
    if doc is None:
        if not path.exists():
            problems.append(problem_at(path, 1, 1, "missing file; expected a mapping of slug: record"))
        return {}
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "expected a mapping of slug: record"))
        return {}
    out = {}
    for slug in doc.data:
        if not re.fullmatch(model.SLUG_PATTERN, slug):
            problems.append(doc.problem((slug,), f"'{slug}' is not a valid slug", key=True))
            continue
        record = to_record(doc, kind, problems, (slug,))
        if record:
            out[slug] = Entry(slug, record, doc)
    return out


def _read_list(path: Path, kind, problems, access: Access, read: _Reader) -> list[Entry]:
    if not path.exists():
        return []

    def list_file(found: list[Problem]) -> list[Entry]:
        return _list(path, kind, found, access)

    return read(path, kind, access, problems, list_file)


def _list(path: Path, kind, problems, access: Access) -> list[Entry]:
    doc = load_yaml(path, problems, access)
    if doc is None:
        return []
    if not isinstance(doc.data, list):
        problems.append(doc.problem((), "expected a list of entries, each starting with '- '"))
        return []
    records = [to_record(doc, kind, problems, (i,)) for i in range(len(doc.data))]
    return [Entry(str(i), r, doc) for i, r in enumerate(records) if r]


def _read_folder(folder: Path, kind, problems, access: Access, read: _Reader) -> tuple[dict[str, Entry], set[str]]:
    """The valid records of one folder by slug, and the slug of every `.yaml` file there, valid or not."""
    if not folder.is_dir():
        return {}, set()
    entries: dict[str, Entry] = {}
    narratives: dict[str, dict[str, TextFile]] = {}
    try:
        names = sorted(os.listdir(folder))  # names sort as paths do
    except OSError as err:
        problems.append(problem_at(folder, 1, 1, f"cannot read this folder: {err.strerror or err}"))
        return {}, set()
    where = os.path.join(folder, "")  # with the separator: each file's path is `where + name`
    for name in names:
        if name.startswith("."):
            continue
        path = where + name
        if m := RECORD.match(name):
            entry = _record_file(path, kind, access, m["slug"], read, problems)
            if entry:
                entries[m["slug"]] = entry
        elif m := NARRATIVE.match(name):
            text = _narrative_file(path, access, read, problems)
            if text:
                narratives.setdefault(m["slug"], {})[m["audience"] or ""] = text
        else:
            problems.append(
                problem_at(
                    Path(path),
                    1,
                    1,
                    "unexpected file name; expected <slug>.yaml, "
                    "<slug>.adult.md, <slug>.child.md or <slug>.md, "
                    "with a slug in lower-case letters, digits and hyphens",
                )
            )
    known = {name[:-5] for name in names if name.endswith(".yaml")}
    for slug, texts in narratives.items():
        if slug not in known:
            for text in texts.values():
                problems.append(problem_at(text.path, 1, 1, f"narrative has no record: expected {slug}.yaml beside it"))
        elif slug in entries:
            entries[slug] = Entry(slug, entries[slug].record, entries[slug].doc, texts)
    return entries, known


def _refuse_strays(root: Path, problems) -> None:
    expected = {kinds.SITE_FILE, kinds.SOURCES_FILE, kinds.GLOSSARY_FILE, *FOLDERS}
    for path in sorted(root.iterdir()):
        if path.name not in expected and not path.name.startswith("."):
            problems.append(
                problem_at(
                    path, 1, 1, "unexpected file or folder in content/; expected one of: " + ", ".join(sorted(expected))
                )
            )
