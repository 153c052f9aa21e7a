"""How we read our own HTML: one pass of a compiled regular expression that splits a page into the pieces
Python's html.parser would report (start and end tags, comments, text), piece for piece as it does, at a
fraction of the cost (html.parser is pure Python, and every page is read three times: for glossary links, the
reading grade and the page checks).

The patterns are html.parser's own (Python 3.11), so broken markup reads as it did: a `<` that starts no tag
is text, a tag left unfinished is text up to the next `>`, a `>` inside a quoted attribute stays in the tag,
`<script>` and `<style>` hold raw text up to their end tag, and an unfinished comment or a script never
closed behave as there. tests/test_markup.py compares the two over generated markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

# html.parser's locatestarttagend_tolerant, after the tag name: attributes quoted with ' or ", unquoted or bare.
_ATTRIBUTES = (
    r"""(?:[\s/]*(?:(?<=['"\s/])[^\s/>][^\s/=>]*"""  # a name
    r"""(?:\s*=+\s*(?:'[^']*'|"[^"]*"|(?!['"])[^>\s]*)\s*)?"""  # = a value
    r"""(?:\s|/(?!>))*)*)?\s*"""
)
_NAME = r"[a-zA-Z][^\t\n\r\f />\x00]*"
# Atomic groups: html.parser matches the tag greedily once, then looks at the next character; no backtracking.
_TAG = rf"(?>{_NAME}{_ATTRIBUTES})"


# Every piece of markup html.parser knows other than a start tag, after its `<`. A comment is tried first,
# then a start tag, then the rest in this order: the first that matches is the piece.
_OTHER_PIECES = {
    "comment": r"!--.*?--\s*>",
    # The end tag html.parser reads strictly, then the tolerant one; `</>` is nothing at all.
    "end": rf"/(?:\s*(?P<end_name>[a-zA-Z][-.a-zA-Z0-9:_]*)\s*>|(?P<loose_end_name>{_NAME})[^>]*>)",
    "nothing": r"/>|![dD][oO][cC][tT][yY][pP][eE][^>]*>|\?[^>]*>"
    r"|!\[(?:[cC][dD][aA][tT][aA]|[tT][eE][mM][pP]|[iI][gG][nN][oO][rR][eE]|[iI][nN][cC][lL][uU][dD][eE]"
    r"|[rR][cC][dD][aA][tT][aA])(?![-_.a-zA-Z0-9])\s*(?=.).*?\]\s*\]\s*>"
    r"|!\[(?:[iI][fF]|[eE][lL][sS][eE]|[eE][nN][dD][iI][fF])(?![-_.a-zA-Z0-9])\s*(?=.).*?\]\s*>",
    # Anything else after `<!` or `</` up to `>` is a bogus comment.
    "bogus_comment": r"!(?!--)[^>]*>|/[^>]*>",
    # A start tag cut short by a character that cannot follow it: the tag's text is text, as written.
    "raw_text": rf"{_TAG}(?![/a-zA-Z=>]|\Z)",
    # Anything else (an unfinished tag or comment) is text up to the next `>`.
    "text": r"[a-zA-Z/!?](?:[^>]*>|[^<]*)",
}
_START = rf"(?>(?P<start_name>{_NAME}){_ATTRIBUTES})/?>"


_TOKENS = re.compile(
    "<(?:"  # every piece starts with <, which the engine then finds at C speed
    + "|".join(
        [f"(?P<comment>{_OTHER_PIECES['comment']})", f"(?P<start>{_START})"]
        + [f"(?P<{name}>{pattern})" for name, pattern in _OTHER_PIECES.items() if name != "comment"]
    )
    + ")",
    re.S,
)


def _raw_text_element(name: str) -> str:
    """<script> or <style> and the raw text up to its end tag (to the end of the page if never closed);
    the start tag captured. A start tag ending in "/>" is left to the next pattern: it may close itself."""
    letters = "".join(f"[{c}{c.upper()}]" for c in name)
    return rf"((?>{letters}(?![^\t\n\r\f />\x00]){_ATTRIBUTES})(?<!/)>)(?:.*?(?i:</\s*{name}\s*>)|.*)"


def _uncaptured(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


# The same pieces, only start tags captured (a script's or style's whole, its text skipped), for `start_tags`.
_START_TAGS = re.compile(
    "<(?:"
    + "|".join(
        [_OTHER_PIECES["comment"], _raw_text_element("script"), _raw_text_element("style"), f"({_uncaptured(_START)})"]
        + [_uncaptured(pattern) for name, pattern in _OTHER_PIECES.items() if name != "comment"]
    )
    + ")",
    re.S,
)


def start_tags(html: str) -> list[str] | None:
    """The text of every start tag in `html`, `tokens`' START and SELF_CLOSING pieces, found in one call at
    C speed for a reader that needs no positions (the page checks; they look again with `tokens` to say
    where). None when a <script> or <style> tag ends in "/>": whether it closes itself needs a closer look."""
    found = []
    for script, style, other in _START_TAGS.findall(html):
        tag = script or style or other
        if tag:
            if not (script or style) and tag[-2:] == "/>" and _RAW_TEXT_START.match(tag):
                return None
            found.append("<" + tag)
    return found


# Their names, held in one place.
START, SELF_CLOSING, END, COMMENT, TEXT, NOTHING = "start", "self-closing", "end", "comment", "text", "nothing"

_ATTRIBUTE = re.compile(r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*""")
# A tag with name="value" attributes only, one space apart, nothing to decode in the values.
_SIMPLE_TAG = re.compile(r'<[a-zA-Z][a-zA-Z0-9-]*(?: [a-zA-Z][-a-zA-Z0-9_:.]*="[^"<>&]*")*>')
_SIMPLE_ATTRIBUTE = re.compile(r' ([^=]+)="([^"]*)"')
_RAW_TEXT_START = re.compile(r"(?:[sS][cC][rR][iI][pP][tT]|[sS][tT][yY][lL][eE])(?![^\t\n\r\f />\x00])")
_RAW_TEXT = {name: re.compile(rf"</\s*{name}\s*>", re.I) for name in ("script", "style")}
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")


def tokens(html: str, start: int = 0) -> Iterator[tuple[str, int, int, str]]:
    """(kind, start, end, name) for each piece of markup in `html` from `start`, in order: START, SELF_CLOSING
    (`<br/>`), END, COMMENT, NOTHING (a doctype, a processing instruction, a marked section: no event in
    html.parser, and not text), or TEXT for text that looks like markup (a stray `<`, a cut-short tag, a
    script's content). What lies between two pieces is text; the last piece is a NOTHING at the end of the
    page, unless a script left open keeps the rest (as html.parser does). `name` is a tag's name in lower
    case; for TEXT it is "raw" when html.parser would not decode its character references. Text between pieces
    is not handed over as a piece of its own: most readers skip most of it, and a piece each cost a second."""
    at = start
    restart = True
    while restart:
        restart = False
        for m in _TOKENS.finditer(html, at):
            begin, at = m.span()
            kind = m.lastgroup
            if kind == "end":
                yield END, begin, at, (m["end_name"] or m["loose_end_name"]).lower()
            elif kind == "start":
                name = m["start_name"].lower()
                if html[at - 2] == "/" and _parse(html, begin, at)[1]:
                    yield SELF_CLOSING, begin, at, name
                    continue
                yield START, begin, at, name
                if name in _RAW_TEXT:  # <script> and <style> hold raw text up to their end tag
                    close = _RAW_TEXT[name].search(html, at)
                    if close is None:
                        return  # never closed: html.parser keeps the rest to itself
                    yield TEXT, at, close.start(), "raw"
                    yield END, close.start(), close.end(), name
                    at, restart = close.end(), True
                    break
            elif kind == "comment" or kind == "bogus_comment":
                yield COMMENT, begin, at, ""
            elif kind == "text":
                yield TEXT, begin, at, ""
            elif kind == "raw_text":
                yield TEXT, begin, at, "raw"  # html.parser passes a cut-short tag on as text, not decoded
            else:
                yield NOTHING, begin, at, ""
    yield NOTHING, len(html), len(html), ""


def text(html: str, start: int, end: int, how: str) -> str:
    """The text of a TEXT piece, its character references decoded unless it is raw."""
    piece = html[start:end]
    return piece if how or "&" not in piece else unescape(piece)


def attributes(html: str, start: int, end: int) -> list[tuple[str, str | None]]:
    """The attributes of the start tag html[start:end] as html.parser gives them: names in lower case, values
    unquoted and decoded, None for an attribute without a value."""
    if _SIMPLE_TAG.fullmatch(html, start, end):  # as our templates write them: a quicker way to the same
        return [(name.lower(), value) for name, value in _SIMPLE_ATTRIBUTE.findall(html, start, end)]
    return _parse(html, start, end)[0]


def _parse(html: str, start: int, end: int) -> tuple[list[tuple[str, str | None]], bool]:
    """A start tag's attributes, and whether it closes itself (`<br/>`; not `<a href=x/>`, whose slash is
    part of the address)."""
    m = _TAG_NAME.match(html, start + 1)
    assert m is not None
    found = []
    at = m.end()
    while at < end:
        m = _ATTRIBUTE.match(html, at)
        if not m:
            break
        name, rest, written = m[1], m[2], m[3] or ""
        value: str | None = None
        if rest:
            quoted = written[:1] == "'" == written[-1:] or written[:1] == '"' == written[-1:]
            value = written[1:-1] if quoted else written
            value = unescape(value) if value else value
        found.append((name.lower(), value))
        at = m.end()
    return found, html[at:end].strip().endswith("/>")


def line_and_column(html: str, at: int) -> tuple[int, int]:
    """1-based line and column of a position, as an editor counts them."""
    return html.count("\n", 0, at) + 1, at - html.rfind("\n", 0, at)
