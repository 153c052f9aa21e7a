"""The shared tokenizer (patientpages/markup.py) reads markup as Python's html.parser does, event for event:
the reading grade, the page checks and the glossary links used html.parser before, and a faster build may not
change what any of them sees."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from patientpages import markup


class _Events(HTMLParser):
    """The reference: html.parser's events, consecutive text joined."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def _add(self, event: tuple) -> None:
        if event[0] == "text" and self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + event[1])
        elif event != ("text", ""):
            self.events.append(event)

    def handle_starttag(self, tag, attrs):
        self._add(("start", tag, attrs, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self._add(("self-closing", tag, attrs, self.getpos()))

    def handle_endtag(self, tag):
        self._add(("end", tag))

    def handle_comment(self, data):
        self._add(("comment",))

    def handle_data(self, data):
        self._add(("text", data))


def reference(html: str) -> list[tuple]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return parser.events


def ours(html: str) -> list[tuple]:
    events: list[tuple] = []

    def add_text(piece: str) -> None:
        if events and events[-1][0] == "text":
            events[-1] = ("text", events[-1][1] + piece)
        elif piece:
            events.append(("text", piece))

    at = 0
    for kind, start, end, name in markup.tokens(html):
        add_text(markup.text(html, at, start, ""))  # the text between pieces
        at = end
        if kind == markup.TEXT:
            add_text(markup.text(html, start, end, name))
        elif kind in (markup.START, markup.SELF_CLOSING):
            line, column = markup.line_and_column(html, start)
            events.append((kind, name, markup.attributes(html, start, end), (line, column - 1)))
        elif kind == markup.END:
            events.append(("end", name))
        elif kind == markup.COMMENT:
            events.append(("comment",))
    return events


NASTY = [
    "<!DOCTYPE html><P CLASS=\"x\">Hi &amp; bye<BR/><IMG SRC=a.png ALT='a > b'></P>",
    "<a href=x>one</a><a href='y'>two</a><a href=\"z\" onClick=go()>three</a>",
    "<p title='a>b' data-x=\"</p>\">text</p>",
    "<!-- <a onclick=x> --><p>after</p><!-- unclosed <b>",
    '<script type="application/ld+json">{"a": "</p><b>"}</script><p>x</p>',
    "<script>if (a < b) { x = '<img onerror=1>'; }</SCRIPT ><style>p > a {}</style>",
    "<script>never closed <p>lost",
    "<p>1 < 2 and 3 > 2 &lt; &copy &#169; &#xA9; &unknown; &</p>",
    "<a href=../x/>t</a><br/><br /><p/>x<input disabled>",
    "</p></ p></>< p><? pi ?><![CDATA[ x ]]><!x><!-><!--->--><!---->",
    '<div\n  class="a"\n  onload\n>x</div\n><svg><circle r=1 /></svg>',
    '<a b=\'c\'d>x<a b=c d="e"f>y<a =x>z<a"b>w',
    "<p>line one\nline <b\n>two</b></p>\n<main><p>cut <a href",
    "<scripts>x</scripts><script/>y<style/>z<title>a<b>c</title>",
    '<a href=x/>y</a><a href="x"/>z<a//b>c<a/ b>d',
    "<a\tb\x0bc>x</a\x0b><p\x00q>y",
    "text ending in an ampersand &am",
    "<",
    "a <",
    "<a",
    "</",
    "<!--",
    "<![if x]>y<![endif]>",
]


def start_tags(html: str) -> list[str]:
    kinds = (markup.START, markup.SELF_CLOSING)
    return [html[start:end] for kind, start, end, _ in markup.tokens(html) if kind in kinds]


@pytest.mark.parametrize("html", NASTY)
def test_nasty_markup_reads_as_html_parser_reads_it(html):
    assert ours(html) == reference(html)
    assert markup.start_tags(html) in (None, start_tags(html))


def test_start_tags_leave_a_script_tag_ending_in_a_slash_to_a_closer_look():
    assert markup.start_tags("<p><script src=x/>if (a<b) {}</script>") is None
    assert markup.start_tags("<p><script src=x>if (a<b) {}</script><b>") == ["<p>", "<script src=x>", "<b>"]


NAMES = st.sampled_from(
    ["a", "p", "B", "Main", "li", "h2", "script", "SCRIPT", "style", "svg", "br", "img", "td", "div", "ul", "dd"]
)
ATTRIBUTE_NAMES = st.sampled_from(["href", "HREF", "src", "onclick", "OnLoad", "class", "type", "data-x", "rel"])
VALUES = st.text(alphabet="ab &;<>/=\"'\n-#.:", max_size=8)
SPACE = st.sampled_from([" ", "  ", "\n", "\t", ""])


@st.composite
def attribute(draw) -> str:
    name = draw(ATTRIBUTE_NAMES)
    value = draw(VALUES)
    quoting = draw(st.sampled_from(["double", "single", "bare", "none"]))
    if quoting == "double":
        return name + '="' + value.replace('"', "") + '"'
    if quoting == "single":
        return name + "='" + value.replace("'", "") + "'"
    if quoting == "bare":  # an unquoted value ends at a space or >; one ending in / is left out (see markup.py)
        return name + "=" + "".join(c for c in value if c not in " \n>/\"'")
    return name


@st.composite
def piece(draw) -> str:
    kind = draw(st.sampled_from(["start", "start", "end", "text", "text", "comment", "script", "odd"]))
    if kind == "start":
        attributes = draw(st.lists(attribute(), max_size=3))
        ending = draw(st.sampled_from([">", ">", "/>", " />", ""]))
        return f"<{draw(NAMES)}{''.join(draw(SPACE) or ' ' for _ in attributes[:1])}{' '.join(attributes)}{ending}"
    if kind == "end":
        return f"</{draw(NAMES)}{draw(SPACE)}>"
    if kind == "text":
        return draw(st.text(alphabet="ab &;#x9<>\n", max_size=12))
    if kind == "comment":
        return f"<!--{draw(st.text(alphabet='ab<>-! ', max_size=10))}-->"
    if kind == "script":
        return "<script>" + draw(st.text(alphabet="ab<>/'\"", max_size=10)) + "</script>"
    return draw(st.sampled_from(["<!DOCTYPE html>", "<?x?>", "</>", "<!x>", "< p>", "<3", "&amp;", "&#60;"]))


documents = st.lists(piece(), max_size=12).map("".join)


@given(documents)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example("<p a=b'c>x")
def test_generated_markup_reads_as_html_parser_reads_it(html):
    assert ours(html) == reference(html)
    assert markup.start_tags(html) in (None, start_tags(html))
