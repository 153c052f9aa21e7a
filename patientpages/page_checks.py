"""Cheap checks on every built page, run by every build (the browser-based ones wait for `check --strict`):
no page may reference a local file the site will not have (a deleted static/style.css), and none may carry
inline script, which the pages' Content-Security-Policy would block anyway.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import markup
from .errors import Problem, problem_at

_REFERENCE_ATTRIBUTES = {"href", "src", "poster", "data", "action", "formaction"}
# A <script> of one of these types is data (JSON-LD for search engines), never run, so the policy allows it.
_DATA_BLOCKS = {"application/ld+json", "application/json"}
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


# Attributes that could matter start after a space, a quote or a slash (html.parser's rule): found all at once
# at C speed (some in the text, which do no harm), so the tags without one, most of them, are passed by
# without a look at their attributes. Any case: html.parser lowers names.
_MAYBE_INTERESTING = re.compile(
    r"""(?<=['"\s/])(?:[oO][nN]|[hH][rR][eE][fF]|[sS][rR][cC]|[pP][oO][sS][tT][eE][rR]|[dD][aA][tT][aA]"""
    r"""|[aA][cC][tT][iI][oO][nN]|[fF][oO][rR][mM][aA][cC][tT][iI][oO][nN])"""
)


_SCRIPT = re.compile(r"<[sS][cC][rR][iI][pP][tT](?![^\t\n\r\f />\x00])")
_TAG_NAME = re.compile(r"<([a-zA-Z][^\t\n\r\f />\x00]*)")


def _read(html: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The inline scripts (where, what) and the references to other files (where, URL) in a page."""
    scripts: list[tuple[int, str]] = []
    references: list[tuple[int, str]] = []
    maybe = [m.start() for m in _MAYBE_INTERESTING.finditer(html)]
    maybe.append(len(html))
    next_maybe = 0
    for kind, start, end, tag in markup.tokens(html):
        if kind is not markup.START and kind is not markup.SELF_CLOSING:
            continue
        while maybe[next_maybe] < start:
            next_maybe += 1
        if tag != "script" and maybe[next_maybe] >= end:
            continue
        values = {name: value or "" for name, value in markup.attributes(html, start, end)}
        if tag == "script" and not values.get("src") and values.get("type", "").lower() not in _DATA_BLOCKS:
            scripts.append((start, "inline <script>"))
        for name, value in values.items():
            if name.startswith("on"):
                scripts.append((start, f"inline script in the {name} attribute of <{tag}>"))
            elif name in _REFERENCE_ATTRIBUTES and not (tag == "link" and values.get("rel") == "canonical"):
                references.append((start, value))
    return scripts, references


def _looks_right(html: str, folder: _Folder, files: set[str]) -> bool:
    """No inline script and no missing file, from the start tags alone (found at C speed); a page that may
    have a problem is read again with `_read`, which says where."""
    tags = markup.start_tags(html)
    if tags is None:
        return False
    for tag in tags:
        bare = tag[1:-1]
        if bare.isalnum():  # a tag without attributes (<p>, <li>): only <script> would matter
            if bare.lower() == "script":
                return False
            continue
        if not _MAYBE_INTERESTING.search(tag) and not _SCRIPT.match(tag):
            continue
        name = _TAG_NAME.match(tag)[1].lower()  # type: ignore[index]
        values = {name: value or "" for name, value in markup.attributes(tag, 0, len(tag))}
        if name == "script" and not values.get("src") and values.get("type", "").lower() not in _DATA_BLOCKS:
            return False
        for attribute, value in values.items():
            if attribute.startswith("on"):
                return False
            if attribute in _REFERENCE_ATTRIBUTES and not (name == "link" and values.get("rel") == "canonical"):
                target = folder.target(value)
                if target is not None and not _present(target, files):
                    return False
    return True


def page_problems(html: Mapping[str, str], files: set[str], out: Path) -> list[Problem]:
    """Problems in the pages `html` (site path -> HTML, each looked up once: it may be read from disk), given
    every file the site will hold. A missing file referenced from many pages is reported once, at its first
    page, with the count."""
    missing: dict[str, list[tuple[str, int, int]]] = {}
    problems = []
    for page in sorted(html):
        text = html[page]
        folder = _Folder(page)
        if _looks_right(text, folder, files):
            continue
        scripts, references = _read(text)
        for at, what in scripts:
            line, column = markup.line_and_column(text, at)
            problems.append(
                problem_at(out / page, line, column, f"{what}; the pages' Content-Security-Policy forbids it")
            )
        for at, url in references:
            target = folder.target(url)
            if target is not None and not _present(target, files):
                missing.setdefault(target, []).append((page, *markup.line_and_column(text, at)))
    for target, places in sorted(missing.items()):
        page, line, column = places[0]
        others = f" (and {len(places) - 1} other pages)" if len(places) > 1 else ""
        where = "outside the site" if target.startswith("../") else f"'{target}', which the site does not have"
        problems.append(problem_at(out / page, line, column, f"links to {where}{others}"))
    return problems


def _local_target(page: str, url: str) -> str | None:
    """The site path a local reference leads to; None for other hosts, schemes and same-page fragments."""
    path = _path_of(url)
    if path is None:
        return None
    joined = posixpath.join(posixpath.dirname(page), path) if not path.startswith("/") else path.lstrip("/")
    target = posixpath.normpath(joined) if joined else "."
    if path.endswith("/") or target == ".":
        target = "index.html" if target == "." else target + "/index.html"
    return target


def _path_of(url: str) -> str | None:
    """The decoded path of a local reference; None for other hosts, schemes and same-page fragments."""
    url = url.strip()
    if not url or url.startswith("#") or _EXTERNAL.match(url):
        return None
    return unquote(urlsplit(url).path)


# A relative path that normalising leaves as it is, after its leading "../": no "." or ".." or empty step.
_PLAIN_RELATIVE = re.compile(r"((?:\.\./)*)((?:[^./][^/]*/)*(?:[^./][^/]*)?)")
_RELATIVE_PATHS: dict[str, tuple[str | None, int, str] | None] = {}


class _Folder:
    """Where a page's references lead. Every page of a big site links the same few hundred addresses, so each
    is taken apart once, and a plain relative one is joined to the page's folder without posixpath's work."""

    def __init__(self, page: str):
        self.page = page
        folder = posixpath.dirname(page)
        self.parts = folder.split("/") if folder else []
        self.plain = posixpath.normpath(folder) == folder if folder else True

    def target(self, url: str) -> str | None:
        known = _RELATIVE_PATHS.get(url)
        if known is None:
            if len(_RELATIVE_PATHS) > 100_000:
                _RELATIVE_PATHS.clear()  # a dev server runs for days
            path = _path_of(url)
            m = _PLAIN_RELATIVE.fullmatch(path) if path else None
            known = _RELATIVE_PATHS[url] = (path, len(m[1]) // 3, m[2]) if m else (path, -1, "")
        path, ups, rest = known
        if path is None:
            return None
        if ups < 0 or ups > len(self.parts) or not self.plain:
            return _local_target(self.page, url)
        parts = self.parts[: len(self.parts) - ups]
        if rest:
            parts = [*parts, rest.removesuffix("/")]
        if not parts:
            return "index.html"
        target = "/".join(parts)
        return target + "/index.html" if path.endswith("/") else target


def _present(target: str, files: set[str]) -> bool:
    return target in files or f"{target}/index.html" in files
