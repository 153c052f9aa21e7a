"""Glossary links (patientpages/terms.py) are placed as they were before the shared tokenizer and the faster
term pattern: the linker as it was is kept here as the reference, and both must link the same words in any
page our templates could make."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from patientpages.terms import Term, TermLinker

# ---------- the reference: the linker as it was ----------

_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*?)(/?)>", re.S)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Inside these, a link to the glossary would be wrong (a link in a link, a heading) or unwelcome.
NO_LINKS_IN = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "button", "label", "select", "option", "textarea",
               "script", "style", "code", "time", "title", "dt", "nav", "svg"}  # fmt: skip
NO_LINKS_IN_CLASS = re.compile(r'class="[^"]*\b(call-now|names|audience-tag)\b')


def _pattern(word: str) -> str:
    # An abbreviation (ALL, CRS, Ph+) must match exactly, or "all" would link to acute lymphocytic leukemia;
    # ordinary words may start a sentence.
    body = re.escape(word)
    if any(c.isupper() for c in word[1:]) or (len(word) <= 4 and word.isupper()):
        return body
    return f"(?i:{body})"


class OldTermLinker:
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


# ---------- generated pages ----------

TERMS = [
    Term("ph", ("Philadelphia chromosome", "Ph+")),
    Term("all", ("ALL",)),
    Term("t-cells", ("T cells", "T cell")),
    Term("kinase", ("kinase", "Kinase inhibitor", "TKI")),
    Term("cd19", ("CD19",)),
    Term("stem", ("stem cell transplant", "Stem cells")),
]
WORDS = st.sampled_from(
    ["Philadelphia chromosome", "philadelphia CHROMOSOME", "Ph+", "ph+", "ALL", "all", "All", "T cells", "t cell",
     "T-cells", "kinase", "KINASE inhibitor", "\u212ainase", "TKI", "TKIs", "CD19", "cd19", "xCD19", "CD19-",
     "stem cell transplant", "Stem cells", "the", "and", " ", ".", ",", "\n", "&amp;"]
)  # fmt: skip
TEXT = st.lists(WORDS, max_size=6).map(" ".join)
OPEN = st.sampled_from(
    ["<p>", "<li>", "<div>", "<span>", "<strong>", '<a href="x">', "<h2>", "<dt>", "<dd>", "<nav>", "<svg>",
     '<section class="call-now">', '<p class="names">', '<div class="note">', "<td>", "<button>", "<code>"]
)  # fmt: skip
CLOSE = st.sampled_from(["</p>", "</li>", "</div>", "</span>", "</strong>", "</a>", "</h2>", "</section>", "</nav>"])
OTHER = st.sampled_from(["<br>", "<img src=x>", "<hr/>", "<!-- CD19 <p> -->", "<main>", "</main>"])


@st.composite
def pages(draw) -> str:
    body = "".join(draw(st.lists(st.one_of(TEXT, OPEN, CLOSE, OTHER), max_size=25)))
    return draw(st.sampled_from(["<header><p>ALL CD19</p></header><main>", "<main>", "<p>CD19</p>"])) + body


@given(pages())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example("<main><p>\u212ainase and Stem cells</p>")
def test_terms_are_linked_as_before(html):
    assert TermLinker(TERMS).link(html, "../g/") == OldTermLinker(TERMS).link(html, "../g/")


def test_a_term_in_a_form_lower_case_does_not_undo_is_linked():
    # The reference raised KeyError here: the long s matches "s" ignoring case, but lower() keeps it.
    linked, used = TermLinker(TERMS).link("<main><p>\u017ftem cells</p></main>", "../g/")
    assert used == ["stem"] and '<a class="term" href="../g/#stem">\u017ftem cells</a>' in linked
