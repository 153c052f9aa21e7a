"""Markdown narratives to safe HTML.

Raw HTML in Markdown is shown as text, never as markup; links may only go to our own pages or to http(s)
and mailto addresses; the result is then sanitised once more, so no script can reach a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import markdown
import nh3

from .link import CROSS_LINK

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


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    # Without these two, Python-Markdown passes raw HTML blocks and inline tags straight through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_MD = _markdown()


def to_html(text: str, resolve: Callable[[str, str], str], shift_headings: int = 0) -> str:
    """Render a narrative. `resolve(kind, slug)` turns a cross-link into a relative URL."""
    text = CROSS_LINK.sub(lambda m: f"]({resolve(m['kind'], m['slug'])})", text)
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
