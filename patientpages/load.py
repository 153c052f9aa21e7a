"""Read content files into documents: plain data plus the file:line:column of every value.

PyYAML alone would keep the last of two duplicated keys and expand alias bombs; this stage refuses both,
and reports every problem it finds in a file rather than stopping at the first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, problem_at
from .file_access import Access, read_bytes

Location = tuple[int, int]  # 1-based line and column
KeyPath = tuple[Any, ...]


@dataclass(frozen=True)
class Document:
    path: Path
    data: Any
    positions: dict[KeyPath, Location] = field(default_factory=dict)
    key_positions: dict[KeyPath, Location] = field(default_factory=dict)

    def where(self, key_path: KeyPath, *, key: bool = False) -> Location:
        """The place of a value (or of its key), falling back to the nearest enclosing value."""
        table = self.key_positions if key else self.positions
        for n in range(len(key_path), -1, -1):
            if key_path[:n] in table:
                return table[key_path[:n]]
            if key and key_path[:n] in self.positions:
                return self.positions[key_path[:n]]
        return (1, 1)

    def problem(self, key_path: KeyPath, message: str, *, key: bool = False) -> Problem:
        line, column = self.where(key_path, key=key)
        return problem_at(self.path, line, column, message)


@dataclass(frozen=True)
class TextFile:
    path: Path
    text: str


# Control characters and the invisible ones that reorder or hide text: no record or narrative needs them, and
# in a name they publish text that reads differently from what the editor saw (or reversed).
FORBIDDEN_CHARACTER = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
MAX_DEPTH = 20  # records nest a few levels; far deeper nesting is a mistake (and would exhaust the stack)


def read_text(path: Path, problems: list[Problem], access: Access) -> str | None:
    """Decode as UTF-8 (without a leading byte-order mark), naming the line and column of the first byte that is
    not UTF-8 and of every forbidden character."""
    raw = read_bytes(path, access, problems)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = err.start - (before.rfind(b"\n") + 1) + 1
        problems.append(
            problem_at(path, line, column, f"file is not UTF-8 text (byte 0x{raw[err.start]:02x}); save it as UTF-8")
        )
        return None
    found = [
        problem_at(path, *_line_column(text, m.start()), forbidden_character(m[0]))
        for m in FORBIDDEN_CHARACTER.finditer(text)
    ]
    problems.extend(found)
    return None if found else text


def forbidden_character(char: str) -> str:
    name = unicodedata.name(char, "control character").lower()
    return f"invisible or control character U+{ord(char):04X} ({name}) is not allowed; delete it"


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def load_yaml(path: Path, problems: list[Problem], access: Access) -> Document | None:
    text = read_text(path, problems, access)
    if text is None:
        return None
    if not text.strip():
        problems.append(problem_at(path, 1, 1, "file is empty; expected a YAML record"))
        return None
    found = _tab_problems(path, text)
    if found:
        problems.extend(found)
        return None
    try:
        found = _flow_depth_problems(path, text)
        if found:
            problems.extend(found)
            return None
        node, found = _compose(path, text)
    except yaml.MarkedYAMLError as err:
        problems.append(_syntax_problem(path, err))
        return None
    except yaml.reader.ReaderError as err:  # a character YAML cannot hold at all
        what = (
            f"character U+{err.character:04X} is not allowed in YAML" if isinstance(err.character, int) else err.reason
        )
        problems.append(problem_at(path, *_line_column(text, err.position), f"{what}; delete it"))
        return None
    if found:
        problems.extend(found)
        return None
    if node is None:
        problems.append(problem_at(path, 1, 1, "file holds only comments; expected a YAML record"))
        return None
    doc = Document(path, None)
    before = len(problems)
    data = _build(node, (), doc, problems)
    if len(problems) > before:
        return None
    return Document(path, data, doc.positions, doc.key_positions)


def _tab_problems(path: Path, text: str) -> list[Problem]:
    # YAML forbids tabs for indentation and PyYAML's own message for them is cryptic.
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        column = line.find("\t")
        if column >= 0 and not line[:column].lstrip().startswith("#"):
            out.append(problem_at(path, number, column + 1, "tab character; indent with spaces"))
    return out


# libyaml's C parser, where PyYAML was built with it: the same events and marks, many times faster.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Unusual(Exception):
    """Something the one-pass reader leaves to the slow path, so its message stays exactly as before."""


def _compose(path: Path, text: str) -> tuple[yaml.Node | None, list[Problem]]:
    """The node tree and any anchor problems, from one pass over the parser's events. Anything unusual
    (a syntax error, two documents) is read again by PyYAML's own reader, whose messages editors know."""
    try:
        return _compose_once(path, text)
    except (_Unusual, yaml.YAMLError):
        found = _structure_problems(path, text)
        return (None, found) if found else (yaml.compose(text, Loader=yaml.SafeLoader), [])


def _compose_once(path: Path, text: str) -> tuple[yaml.Node | None, list[Problem]]:
    loader = _FastLoader(text)
    try:
        root: yaml.Node | None = None
        found: list[Problem] = []
        open_nodes: list[yaml.Node] = []
        pending_keys: list[yaml.Node | None] = []  # per open mapping: a key waiting for its value
        documents = 0

        def add(node: yaml.Node) -> None:
            nonlocal root
            if not open_nodes:
                root = node
            elif isinstance(open_nodes[-1], yaml.SequenceNode):
                open_nodes[-1].value.append(node)
            elif pending_keys[-1] is None:
                pending_keys[-1] = node
            else:
                open_nodes[-1].value.append((pending_keys[-1], node))
                pending_keys[-1] = None

        while True:
            event = loader.get_event()
            start: Any = event.start_mark  # the C parser's marks are typed apart from PyYAML's
            end: Any = event.end_mark
            if isinstance(event, yaml.StreamEndEvent):
                return root, found
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Unusual
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) or getattr(event, "tag", None):
                raise _Unusual  # anchors, aliases and explicit tags are refused by the slow path, with its messages
            if len(open_nodes) >= MAX_DEPTH and isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                raise _Unusual  # too deep: the slow path says where
            if isinstance(event, yaml.ScalarEvent):
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                add(yaml.ScalarNode(tag, event.value, start, end, style=event.style or None))
            elif isinstance(event, yaml.AliasEvent):
                add(yaml.ScalarNode("tag:yaml.org,2002:null", "", start, end))
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(kind, None, event.implicit)
                node = kind(tag, [], start, None, flow_style=event.flow_style)
                add(node)
                open_nodes.append(node)
                pending_keys.append(None)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                open_nodes.pop().end_mark = end
                pending_keys.pop()
    finally:
        loader.dispose()


_QUOTED_OR_COMMENT = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|(?:^|(?<=\s))#[^\n]*""", re.M)
_BRACKET = re.compile(r"[\[\]{}]")


def _flow_depth_problems(path: Path, text: str) -> list[Problem]:
    """PyYAML's scanner slows down with the square of bracket nesting ([[[[...), so a deeply nested file is
    refused from its brackets alone, before YAML reads it. Quoted text and comments are skipped."""
    blanked = _QUOTED_OR_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)
    depth = 0
    for m in _BRACKET.finditer(blanked):
        depth = depth + 1 if m[0] in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            message = f"nested more than {MAX_DEPTH} levels deep; records need only a few levels"
            return [problem_at(path, *_line_column(text, m.start()), message)]
    return []


def _structure_problems(path: Path, text: str) -> list[Problem]:
    """Refuse, before building anything: anchors and aliases (records never need them, and an alias bomb could
    hang the build); explicit tags (`!!binary`, `!!python/...`: a record is plain text, lists and mappings);
    and nesting deeper than any record needs."""
    out: list[Problem] = []
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        here = (event.start_mark.line + 1, event.start_mark.column + 1) if event.start_mark else (1, 1)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                message = f"nested more than {MAX_DEPTH} levels deep; records need only a few levels"
                return [*out, problem_at(path, *here, message)]
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if tag := getattr(event, "tag", None):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            out.append(problem_at(path, *here, f"YAML tag '{shown}' is not allowed; write a plain value"))
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            out.append(problem_at(path, *here, f"YAML {kind} ('&' / '*') is not allowed; write the value out in full"))
    return out


def _syntax_problem(path: Path, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = " ".join(filter(None, [err.context, err.problem]))
    return problem_at(path, line, column, f"YAML syntax error: {what}")


_constructor = yaml.SafeLoader("")


def _build(node: yaml.Node, key_path: KeyPath, doc: Document, problems: list[Problem]) -> Any:
    doc.positions[key_path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, doc, problems) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int)):
                problems.append(
                    problem_at(
                        doc.path,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        "a key must be plain text",
                    )
                )
                continue
            key = str(key)
            here = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                first = doc.key_positions[key_path + (key,)]
                problems.append(problem_at(doc.path, *here, f"duplicate key '{key}' (first given on line {first[0]})"))
                continue
            doc.key_positions[key_path + (key,)] = here
            result[key] = _build(value_node, key_path + (key,), doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, key_path + (i,), doc, problems) for i, item in enumerate(node.value)]
    return _scalar(node, doc, problems)


def _scalar(node: yaml.Node, doc: Document, problems: list[Problem]) -> Any:
    try:
        value = _constructor.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        # e.g. 2026-13-01 looks like a date to YAML but is not one; or a !!python tag SafeLoader refuses.
        if node.tag.endswith(":timestamp"):
            what = f"'{node.value}' is not a real date; expected YYYY-MM-DD"
        else:
            what = f"YAML tag '{node.tag}' is not allowed; write a plain value"
        problems.append(problem_at(doc.path, node.start_mark.line + 1, node.start_mark.column + 1, what))
        return None
    # An escape in a quoted string ("\e", "\u202e") can still make a forbidden character.
    if isinstance(value, str) and (m := FORBIDDEN_CHARACTER.search(value)):
        where = (node.start_mark.line + 1, node.start_mark.column + 1)
        problems.append(problem_at(doc.path, *where, forbidden_character(m[0])))
        return None
    return value


def load_markdown(path: Path, problems: list[Problem], access: Access) -> TextFile | None:
    text = read_text(path, problems, access)
    if text is None:
        return None
    if not text.strip():
        problems.append(problem_at(path, 1, 1, "file is empty; write the narrative or delete the file"))
        return None
    # Python-Markdown slows with the square of unclosed link brackets ([[[[... or [x]([x]([x](...): minutes for
    # a 20 KB file. No narrative needs them nested deeply.
    depth = 0
    for m in _MARKDOWN_BRACKET.finditer(text):
        depth = depth + 1 if m[0] in "[(" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            message = f"brackets nested or left open more than {MAX_DEPTH} deep; close each [ and ( you open"
            problems.append(problem_at(path, *_line_column(text, m.start()), message))
            return None
    return TextFile(path, text)


_MARKDOWN_BRACKET = re.compile(r"[\[\]()]")
