"""Markdown narratives to safe HTML.

Raw HTML in Markdown is shown as text, never as markup; links may only go to our own pages or to http(s)
and mailto addresses; the result is then sanitised once more, so no script can reach a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from .link import LINK_KINDS

_TARGET = re.compile(rf"\s*<?\s*(?P<kind>{LINK_KINDS}):(?P<slug>\S*?)\s*>?\s*")
Resolve = Callable[[str, str], str]

ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "code",
}


class _CrossLinks(Treeprocessor):
    """Resolve `drug:slug`-style destinations after Markdown has parsed the links, so every link form it
    allows (inline, titled, <angle>, reference-style, wrapped over lines) is resolved the same way."""

    resolve: Resolve = staticmethod(lambda kind, slug: "")

    def run(self, root):
        for a in root.iter("a"):
            if m := _TARGET.fullmatch(a.get("href", "")):
                a.set("href", self.resolve(m["kind"], m["slug"]))


def _markdown() -> tuple[markdown.Markdown, _CrossLinks]:
    md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    # Without these two, Python-Markdown passes raw HTML blocks and inline tags straight through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    cross_links = _CrossLinks(md)
    md.treeprocessors.register(cross_links, "cross_links", 0)
    return md, cross_links


_MD, _CROSS_LINKS = _markdown()


def to_html(text: str, resolve: Resolve, shift_headings: int = 0) -> str:
    """Render a narrative. `resolve(kind, slug)` turns a cross-link into a relative URL."""
    _CROSS_LINKS.resolve = resolve
    html = _MD.reset().convert(text)
    if shift_headings:
        html = re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{min(int(m[2]) + shift_headings, 6)}>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
