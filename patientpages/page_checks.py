"""Cheap checks on every built page, run by every build (the browser-based ones wait for `check --strict`):
no page may reference a local file the site will not have (a deleted static/style.css), and none may carry
inline script, which the pages' Content-Security-Policy would block anyway.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import Problem, problem_at

_REFERENCE_ATTRIBUTES = {"href", "src", "poster", "data", "action", "formaction"}
# A <script> of one of these types is data (JSON-LD for search engines), never run, so the policy allows it.
_DATA_BLOCKS = {"application/ld+json", "application/json"}
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[int, int, str]] = []  # line, column, URL
        self.scripts: list[tuple[int, int, str]] = []  # line, column, what

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        where = (line, offset + 1)
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and not values.get("src") and values.get("type", "").lower() not in _DATA_BLOCKS:
            self.scripts.append((*where, "inline <script>"))
        for name, value in values.items():
            if name.startswith("on"):
                self.scripts.append((*where, f"inline script in the {name} attribute of <{tag}>"))
            elif name in _REFERENCE_ATTRIBUTES and not (tag == "link" and values.get("rel") == "canonical"):
                self.references.append((*where, value))


def page_problems(html: dict[str, str], files: set[str], out: Path) -> list[Problem]:
    """Problems in the pages `html` (site path -> HTML), given every file the site will hold. A missing file
    referenced from many pages is reported once, at its first page, with the count."""
    missing: dict[str, list[tuple[str, int, int]]] = {}
    problems = []
    for page, text in sorted(html.items()):
        reader = _PageReader()
        reader.feed(text)
        reader.close()
        for line, column, what in reader.scripts:
            problems.append(
                problem_at(out / page, line, column, f"{what}; the pages' Content-Security-Policy forbids it")
            )
        for line, column, url in reader.references:
            target = _local_target(page, url)
            if target is not None and not _present(target, files):
                missing.setdefault(target, []).append((page, line, column))
    for target, places in sorted(missing.items()):
        page, line, column = places[0]
        others = f" (and {len(places) - 1} other pages)" if len(places) > 1 else ""
        where = "outside the site" if target.startswith("../") else f"'{target}', which the site does not have"
        problems.append(problem_at(out / page, line, column, f"links to {where}{others}"))
    return problems


def _local_target(page: str, url: str) -> str | None:
    """The site path a local reference leads to; None for other hosts, schemes and same-page fragments."""
    url = url.strip()
    if not url or url.startswith("#") or _EXTERNAL.match(url):
        return None
    path = unquote(urlsplit(url).path)
    joined = posixpath.join(posixpath.dirname(page), path) if not path.startswith("/") else path.lstrip("/")
    target = posixpath.normpath(joined) if joined else "."
    if path.endswith("/") or target == ".":
        target = "index.html" if target == "." else target + "/index.html"
    return target


def _present(target: str, files: set[str]) -> bool:
    return target in files or f"{target}/index.html" in files
