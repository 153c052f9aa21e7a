"""Finding, reading and pointing into the pages of a built site; shared by every check."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from bs4 import BeautifulSoup, Tag

HTML_SUFFIXES = (".html", ".htm")


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*") if p.suffix.lower() in HTML_SUFFIXES and p.is_file())


def display_path(path: Path) -> str:
    """Relative to the current directory when possible, so editors and terminals can jump to it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_html(path: Path) -> BeautifulSoup:
    # html.parser (not lxml) because it records sourceline/sourcepos for every tag.
    return BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")


def position(tag: Tag | None) -> tuple[int, int]:
    """1-based line and column of a tag's start, or (1, 1) when unknown."""
    if tag is None or tag.sourceline is None:
        return 1, 1
    return tag.sourceline, (tag.sourcepos or 0) + 1


def url_path(site_dir: Path, file: Path) -> str:
    """The site-absolute URL path a file is served at, e.g. '/adults/x/index.html'."""
    return "/" + file.relative_to(site_dir).as_posix()


def page_kind(site_dir: Path, file: Path) -> str:
    """Groups pages by URL shape: 'adults/blinatumomab/index.html' -> 'adults/*/index.html'."""
    parts = PurePosixPath(file.relative_to(site_dir).as_posix()).parts
    if len(parts) <= 2:
        return "/".join(parts)
    return "/".join((parts[0], *("*" for _ in parts[1:-1]), parts[-1]))


def line_col(text: str, offset: int, first_line: int = 1, first_col: int = 1) -> tuple[int, int]:
    """Line/column of `offset` in `text`, where `text` itself starts at (first_line, first_col)."""
    before = text[:offset]
    newlines = before.count("\n")
    if newlines == 0:
        return first_line, first_col + offset
    return first_line + newlines, offset - before.rfind("\n")


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT_STRING = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def css_urls(css: str) -> list[tuple[int, str]]:
    """(offset, url) for every url(...) and string @import in a stylesheet or style attribute."""
    # Blank out comments but keep their length, so offsets still point into the original text.
    css = _CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), css)
    found = []
    for pattern in (_CSS_URL, _CSS_IMPORT_STRING):
        for m in pattern.finditer(css):
            url = next(g for g in m.groups() if g is not None)
            found.append((m.start(), url.strip()))
    return sorted(found)


def inline_css(tag: Tag) -> list[tuple[str, int, int]]:
    """(css, line, column) for a tag's style attribute and, for <style>, its text.

    The position is the tag's, so columns on the CSS's first line are approximate; lines are exact."""
    line, col = position(tag)
    style = tag.get("style")
    found = [(style, line, col)] if isinstance(style, str) else []
    if tag.name == "style":
        found.append((tag.get_text(), line, col))
    return found


def srcset_urls(srcset: str) -> list[str]:
    """The URLs in a srcset, following the HTML spec's parser: a URL runs to whitespace; descriptors to a comma."""
    urls, pos, n = [], 0, len(srcset)
    while pos < n:
        while pos < n and (srcset[pos].isspace() or srcset[pos] == ","):
            pos += 1
        start = pos
        while pos < n and not srcset[pos].isspace():
            pos += 1
        url = srcset[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0  # descriptors may contain parenthesised commas
            while pos < n and (srcset[pos] != "," or depth):
                depth += {"(": 1, ")": -1}.get(srcset[pos], 0)
                pos += 1
        if url:
            urls.append(url)
    return urls
