"""Reading grade (Flesch–Kincaid) of a page's main text, as a reader meets it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import textstat

BLOCKS = frozenset({"h1", "h2", "h3", "h4", "p", "li", "dt", "dd", "td", "th"})
# Names of medicines are long words a reader copies, not reads; counting them would blame the prose for them.
DRUG_NAME = re.compile(r"\b\w*(?:mab|cel|tinib|nib|umab|ogamicin|pasudotox|leucel|menib)\b", re.I)


# Elements that never hold content, so they are never left open.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)


class _Open:
    __slots__ = ("name", "strings", "nested")

    def __init__(self, name: str):
        self.name = name
        self.strings: list[str] = []  # text pieces, kept for blocks inside <main> only
        self.nested = False  # a block holding another block leaves its text to the inner one


class _MainProse(HTMLParser):
    """One pass over the page (a full parse tree cost two thirds of the build): the text of each innermost
    block inside the first <main>, its text pieces joined by spaces as BeautifulSoup's get_text(" ") does.
    Open elements are tracked as BeautifulSoup's tree does, so even broken markup reads the same."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.open: list[_Open] = []
        self.main: _Open | None = None  # the first <main>, while it is open
        self.main_seen = False
        self.blocks: list[_Open] = []  # open blocks inside <main>, innermost last
        self.text: list[str] = []  # consecutive data events form one text piece

    def _end_text(self) -> None:
        if self.text and self.blocks:
            self.blocks[-1].strings.append("".join(self.text))
        self.text = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._end_text()
        if tag in VOID:
            return
        element = _Open(tag)
        self.open.append(element)
        if tag == "main" and not self.main_seen:
            self.main, self.main_seen = element, True
        elif self.main is not None and tag in BLOCKS:
            for block in self.blocks:
                block.nested = True
            self.blocks.append(element)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._end_text()

    def handle_endtag(self, tag: str) -> None:
        self._end_text()
        if not any(e.name == tag for e in self.open):
            return  # an end tag with nothing to close is ignored
        while True:  # it closes every element left open inside it
            element = self.open.pop()
            if self.blocks and element is self.blocks[-1]:
                self.blocks.pop()
                if not element.nested:
                    self._add(element)
            if element is self.main:
                self.main = None
            if element.name == tag:
                break

    def handle_comment(self, data: str) -> None:
        self._end_text()  # a comment is not prose, but it still separates the text around it

    def handle_data(self, data: str) -> None:
        if self.blocks:
            self.text.append(data)

    def close(self) -> None:
        super().close()
        self._end_text()
        while self.blocks:  # blocks still open at the end are closed by the end of the page
            block = self.blocks.pop()
            if not block.nested:
                self._add(block)

    def _add(self, block: _Open) -> None:
        text = " ".join(" ".join(block.strings).split())
        if text:
            self.pieces.append(text if text[-1] in ".!?:" else text + ".")


def main_text(html: str) -> str:
    """The prose inside <main>, each block ended as a sentence so lists are not read as one long one."""
    parser = _MainProse()
    parser.feed(html)
    parser.close()
    return " ".join(parser.pieces)


def reading_grade(html: str) -> float | None:
    text = DRUG_NAME.sub("medicine", main_text(html))
    if len(text.split()) < 30:
        return None  # too little prose for a meaningful grade
    return round(textstat.flesch_kincaid_grade(text), 1)
