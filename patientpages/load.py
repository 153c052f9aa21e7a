"""Read content files into documents: plain data plus the file:line:column of every value.

PyYAML alone would keep the last of two duplicated keys and expand alias bombs; this stage refuses both,
and reports every problem it finds in a file rather than stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, problem_at

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


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """Decode as UTF-8, naming the line and column of the first byte that is not."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = err.start - (before.rfind(b"\n") + 1) + 1
        problems.append(
            problem_at(path, line, column, f"file is not UTF-8 text (byte 0x{raw[err.start]:02x}); save it as UTF-8")
        )
        return None


def load_yaml(path: Path, problems: list[Problem]) -> Document | None:
    text = read_text(path, problems)
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
        node, found = _compose(path, text)
    except yaml.MarkedYAMLError as err:
        problems.append(_syntax_problem(path, err))
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
        found = _anchor_problems(path, text)
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
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                found.append(_anchor_problem(path, event))
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


def _anchor_problem(path: Path, event: Any) -> Problem:
    mark = event.start_mark
    kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
    return problem_at(
        path, mark.line + 1, mark.column + 1, f"YAML {kind} ('&' / '*') is not allowed; write the value out in full"
    )


def _anchor_problems(path: Path, text: str) -> list[Problem]:
    # Refuse anchors and aliases outright: records never need them, and an alias bomb could hang the build.
    out = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            out.append(_anchor_problem(path, event))
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
        return _constructor.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        # e.g. 2026-13-01 looks like a date to YAML but is not one; or a !!python tag SafeLoader refuses.
        if node.tag.endswith(":timestamp"):
            what = f"'{node.value}' is not a real date; expected YYYY-MM-DD"
        else:
            what = f"YAML tag '{node.tag}' is not allowed; write a plain value"
        problems.append(problem_at(doc.path, node.start_mark.line + 1, node.start_mark.column + 1, what))
        return None


def load_markdown(path: Path, problems: list[Problem]) -> TextFile | None:
    text = read_text(path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(problem_at(path, 1, 1, "file is empty; write the narrative or delete the file"))
        return None
    return TextFile(path, text)
