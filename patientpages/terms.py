"""Words explained where they are used: the first use of each glossary term in a page's prose links to its entry.

Only prose inside <main> is linked: never a heading, a link, a button, the call-right-away box (a worried
reader should not be pulled away from it) or the glossary page itself; each term at most once a page. Works on
the rendered HTML as text, so it costs one pass over each page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .link import SiteGraph

_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*?)(/?)>", re.S)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Inside these, a link to the glossary would be wrong (a link in a link, a heading) or unwelcome.
NO_LINKS_IN = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "button", "label", "select", "option", "textarea",
               "script", "style", "code", "time", "title", "dt", "nav", "svg"}  # fmt: skip
NO_LINKS_IN_CLASS = re.compile(r'class="[^"]*\b(call-now|names|audience-tag)\b')


@dataclass(frozen=True)
class Term:
    id: str  # the entry's id on the glossary page
    words: tuple[str, ...]  # the term and its other spellings


def _pattern(word: str) -> str:
    # An abbreviation (ALL, CRS, Ph+) must match exactly, or "all" would link to acute lymphocytic leukemia;
    # ordinary words may start a sentence.
    body = re.escape(word)
    if any(c.isupper() for c in word[1:]) or (len(word) <= 4 and word.isupper()):
        return body
    return f"(?i:{body})"


class TermLinker:
    def __init__(self, terms: list[Term]):
        self.by_word: dict[str, Term] = {}
        patterns = []
        for term in terms:
            for word in sorted(term.words, key=len, reverse=True):
                if word and word.lower() not in self.by_word:
                    self.by_word[word.lower()] = term
                    patterns.append((len(word), _pattern(word)))
        patterns.sort(key=lambda p: -p[0])  # longest first: "Philadelphia chromosome" before "chromosome"
        joined = "|".join(p for _, p in patterns)
        self.regex = re.compile(rf"(?<![\w+-])(?:{joined})(?![\w+-])") if patterns else None

    def link(self, html: str, href: str) -> tuple[str, list[str]]:
        """`html` with the first use of each term linked to `href` + its id; and the ids of the terms used."""
        if self.regex is None:
            return html, []
        out: list[str] = []
        used: list[str] = []
        stack: list[bool] = []  # for each open element: are links allowed inside it?
        in_main = False
        for token in _TOKEN.split(html):
            if not token:
                continue
            if token.startswith("<"):
                out.append(token)
                m = _TAG.match(token)
                if not m:
                    continue
                closing, name, attributes, self_closing = m[1], m[2].lower(), m[3], m[4]
                if name == "main":
                    in_main = not closing
                if name in VOID or self_closing or not in_main:
                    continue
                if closing:
                    if stack:
                        stack.pop()
                else:
                    allowed = (not stack or stack[-1]) and name not in NO_LINKS_IN
                    stack.append(allowed and not NO_LINKS_IN_CLASS.search(attributes))
                continue
            if in_main and (not stack or stack[-1]):
                token = self._link_text(token, href, used)
            out.append(token)
        return "".join(out), used

    def _link_text(self, text: str, href: str, used: list[str]) -> str:
        assert self.regex is not None

        def first_use(m: re.Match[str]) -> str:
            term = self.by_word[m[0].lower()]
            if term.id in used:
                return m[0]
            used.append(term.id)
            return f'<a class="term" href="{href}#{term.id}">{m[0]}</a>'

        return self.regex.sub(first_use, text)


def glossary_linker(graph: SiteGraph) -> TermLinker:
    """A linker for every term of the site's glossary and its other spellings."""
    records = [g.record for g in graph.content.glossary]
    return TermLinker([Term(id_, (r.term, *r.also)) for id_, r in zip(graph.term_ids, records, strict=True)])
