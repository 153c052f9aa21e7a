"""Words explained where they are used: the first use of each glossary term in a page's prose links to its entry.

Only prose inside <main> is linked: never a heading, a link, a button, the call-right-away box (a worried
reader should not be pulled away from it) or the glossary page itself; each term at most once a page. Works on
the rendered HTML as text, so it costs one pass over each page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import markup
from .link import SiteGraph

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Inside these, a link to the glossary would be wrong (a link in a link, a heading) or unwelcome.
NO_LINKS_IN = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "button", "label", "select", "option", "textarea",
               "script", "style", "code", "time", "title", "dt", "nav", "svg"}  # fmt: skip
NO_LINKS_IN_CLASS = re.compile(r'class="[^"]*\b(call-now|names|audience-tag)\b')


@dataclass(frozen=True)
class Term:
    id: str  # the entry's id on the glossary page
    words: tuple[str, ...]  # the term and its other spellings


def _case_sensitive(word: str) -> bool:
    # An abbreviation (ALL, CRS, Ph+) must match exactly, or "all" would link to acute lymphocytic leukemia;
    # ordinary words may start a sentence.
    return any(c.isupper() for c in word[1:]) or (len(word) <= 4 and word.isupper())


def _pattern(words: list[str]) -> str:
    """One pattern for the words, longest first, grouped by the character they start with (every form of it
    where case does not matter: `b` and `B`). The regular expression engine then skips at C speed to the
    characters a term can start with and tries only the terms that start there; one long list of terms made it
    try every term at every character."""
    groups: dict[str, list[str]] = {}
    for word in words:
        sensitive = _case_sensitive(word)
        rest = re.escape(word[1:]) if sensitive else f"(?i:{re.escape(word[1:])})"
        for form in [word[0]] if sensitive else _forms(word[0]):
            groups.setdefault(form, []).append(rest)
    return "|".join(rf"{re.escape(form)}(?<![\w+-].)(?:{'|'.join(rests)})" for form, rests in groups.items())


_FORMS: dict[str, list[str]] = {}


def _forms(character: str) -> list[str]:
    """Every character that matches `character` ignoring case, as Python's re sees it (k also matches the
    Kelvin sign, s the long s). Worked out for all of a glossary's first characters at once (`_learn_forms`)."""
    if character not in _FORMS:
        _learn_forms({character})
    return _FORMS[character]


def _learn_forms(characters: set[str]) -> None:
    """One look through Unicode for every form of these characters, once. No character beyond the first
    65,536 matches one within them ignoring case (checked once for all of them), so that is where to look
    for those (a hundredth of a second, rather than a tenth for all of Unicode)."""
    new = sorted(characters.difference(_FORMS))
    if not new:
        return
    every = "".join(map(chr, range(0x10000 if max(map(ord, new)) < 0x10000 else 0x110000)))
    found = re.findall(f"(?i:[{''.join(re.escape(c) for c in new)}])", every)
    for character in new:
        same = re.compile(f"(?i:{re.escape(character)})")
        _FORMS[character] = [form for form in found if same.fullmatch(form)]


class TermLinker:
    def __init__(self, terms: list[Term]):
        self.by_word: dict[str, Term] = {}
        words: list[str] = []
        for term in terms:
            for word in sorted(term.words, key=len, reverse=True):
                if word and word.lower() not in self.by_word:
                    self.by_word[word.lower()] = term
                    words.append(word)
        _learn_forms({word[0] for word in words if not _case_sensitive(word)})
        words.sort(key=len, reverse=True)  # longest first: "Philadelphia chromosome" before "chromosome"
        self.regex = re.compile(rf"(?:{_pattern(words)})(?![\w+-])") if words else None

    def link(self, html: str, href: str) -> tuple[str, list[str]]:
        """`html` with the first use of each term linked to `href` + its id; and the ids of the terms used."""
        if self.regex is None or "<main" not in html:
            return html, []
        # Every use of every term on the page, found at C speed; the walk over the tags below only decides
        # which of them stand in prose that may be linked, and stops after the last.
        uses = list(self.regex.finditer(html, html.find("<main")))
        if not uses:
            return html, []
        out: list[str] = []
        used: list[str] = []
        copied = 0  # html[:copied] is in out
        next_use = 0  # uses[:next_use] are behind us
        terms = [self._term(use[0]) for use in uses]
        last_use = {term.id: use.end() for term, use in zip(terms, uses, strict=True)}
        last = max(last_use.values())  # past the last use of a term not linked yet, the walk can stop

        def link_in(begin: int, end: int) -> None:
            """Link the first use of each term in the prose html[begin:end]."""
            nonlocal copied, next_use, last
            while next_use < len(uses) and uses[next_use].start() < begin:
                next_use += 1  # in a tag, or in text where no link may go
            while next_use < len(uses) and uses[next_use].end() <= end:
                use, term = uses[next_use], terms[next_use]
                next_use += 1
                if term.id not in used:
                    used.append(term.id)
                    del last_use[term.id]
                    last = max(last_use.values(), default=0)
                    out.extend((html[copied : use.start()], f'<a class="term" href="{href}#{term.id}">{use[0]}</a>'))
                    copied = use.end()

        stack: list[bool] = []  # for each open element: are links allowed inside it?
        in_main = False
        at = 0
        for kind, start, end, name in markup.tokens(html):
            if start > at and in_main and (not stack or stack[-1]):
                link_in(at, start)  # the text before this piece
            at = end
            if kind is markup.TEXT or kind is markup.COMMENT or kind is markup.NOTHING:
                if kind is markup.TEXT and in_main and (not stack or stack[-1]):
                    link_in(start, end)
                continue
            if start >= last:
                break  # no term left to link is used further on
            if name == "main":
                in_main = kind is not markup.END
            if name in VOID or kind is markup.SELF_CLOSING or not in_main:
                continue
            if kind is markup.END:
                if stack:
                    stack.pop()
            else:
                allowed = (not stack or stack[-1]) and name not in NO_LINKS_IN
                stack.append(allowed and not NO_LINKS_IN_CLASS.search(html, start, end))
        out.append(html[copied:])
        return "".join(out), used

    def _term(self, found: str) -> Term:
        term = self.by_word.get(found.lower())
        if term is None:  # a form lower() does not undo: "ſtem cells" for "stem cells"
            term = next(t for w, t in self.by_word.items() if re.fullmatch(f"(?i:{re.escape(w)})", found))
        return term


def glossary_linker(graph: SiteGraph) -> TermLinker:
    """A linker for every term of the site's glossary and its other spellings."""
    records = [g.record for g in graph.content.glossary]
    return TermLinker([Term(id_, (r.term, *r.also)) for id_, r in zip(graph.term_ids, records, strict=True)])
