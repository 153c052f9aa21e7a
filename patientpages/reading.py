"""Reading grade (Flesch–Kincaid) of a page's main text, as a reader meets it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import textstat

from . import markup

BLOCKS = frozenset({"h1", "h2", "h3", "h4", "p", "li", "dt", "dd", "td", "th"})
# Names of medicines are long words a reader copies, not reads; counting them would blame the prose for them.
DRUG_NAME_ENDINGS = ("mab", "cel", "tinib", "nib", "umab", "ogamicin", "pasudotox", "leucel", "menib")
# A whole word with one of those endings: the word taken at once, then its ending looked at (a pattern
# trying each ending at each letter cost a second at 1,000 drugs).
DRUG_NAME = re.compile(r"\b\w++(?:" + "|".join(f"(?<={e})" for e in DRUG_NAME_ENDINGS) + ")", re.I)


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


def main_text(html: str) -> str:
    """The prose inside <main>, each block ended as a sentence so lists are not read as one long one.

    One pass over the page (a full parse tree cost two thirds of the build): the text of each innermost block
    inside the first <main>, its text pieces joined by spaces as BeautifulSoup's get_text(" ") does. Open
    elements are tracked as BeautifulSoup's tree does, so even broken markup reads the same."""
    pieces: list[str] = []
    names: list[str] = []  # every open element, outermost first
    elements: list[_Open | None] = []  # beside each: the block or <main> it is, or None
    main: _Open | None = None  # the first <main>, while it is open
    main_seen = False
    blocks: list[_Open] = []  # open blocks inside <main>, innermost last
    text: list[str] = []  # consecutive text forms one piece; tags and comments end it

    def add(block: _Open) -> None:
        words = " ".join(" ".join(block.strings).split())
        if words:
            pieces.append(words if words[-1] in ".!?:" else words + ".")

    at = 0
    for kind, start, end, name in markup.tokens(html):
        if blocks and start > at:  # the text before this piece
            text.append(markup.text(html, at, start, ""))
        at = end
        if kind is markup.TEXT:
            if blocks:
                text.append(markup.text(html, start, end, name))
            continue
        if kind is markup.NOTHING:
            continue
        if text:
            if blocks:
                blocks[-1].strings.append("".join(text))
            text = []
        if kind is markup.START:
            if name in VOID:
                continue
            element = None
            if name == "main" and not main_seen:
                element = main = _Open(name)
                main_seen = True
            elif main is not None and name in BLOCKS:
                element = _Open(name)
                for block in blocks:
                    block.nested = True
                blocks.append(element)
            names.append(name)
            elements.append(element)
        elif kind is markup.END:
            if name not in names:
                continue  # an end tag with nothing to close is ignored
            while True:  # it closes every element left open inside it
                element = elements.pop()
                if element is not None:
                    if blocks and element is blocks[-1]:
                        blocks.pop()
                        if not element.nested:
                            add(element)
                    if element is main:
                        main = None
                if names.pop() == name:
                    break
    if text and blocks:
        blocks[-1].strings.append("".join(text))
    while blocks:  # blocks still open at the end are closed by the end of the page
        block = blocks.pop()
        if not block.nested:
            add(block)
    return " ".join(pieces)


def reading_grade(html: str) -> float | None:
    text = DRUG_NAME.sub("medicine", main_text(html))
    if len(text.split()) < 30:
        return None  # too little prose for a meaningful grade
    return round(flesch_kincaid_grade(text), 1)


# textstat 0.7.3's Flesch-Kincaid grade, step for step, so every grade stays what it was; but each word's
# syllables and each sentence's length are counted once per build rather than once per page (pyphen is
# pure Python, and the same words and sentences come back on every page). tests/test_reading_grade.py holds
# it to textstat itself.
_PUNCTUATION = re.compile(r"[^\w\s]")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_HYPHENATOR = textstat.textstat.pyphen
_syllables: dict[str, int] = {}
_short_sentence: dict[str, bool] = {}  # a sentence of two words or fewer is not counted
_REMEMBERED = 200_000  # words or sentences kept; a dev server runs for days


def _round(number: float, points: int) -> float:
    p = 10**points
    return float(math.floor((number * p) + math.copysign(0.5, number))) / p


def _remembered(counts: dict[str, Any], keys: list[str], count: Callable[[str], Any]) -> int:
    """The sum of count(key) over keys, each new key counted once and remembered."""
    try:
        return sum(map(counts.__getitem__, keys))
    except KeyError:
        if len(counts) > _REMEMBERED:
            counts.clear()
        for key in set(keys).difference(counts):
            counts[key] = count(key)
        return sum(map(counts.__getitem__, keys))


def flesch_kincaid_grade(text: str) -> float:
    """The same number as textstat.flesch_kincaid_grade(text)."""
    bare = _PUNCTUATION.sub("", text)
    words = len(bare.split())
    sentences = _SENTENCE.findall(text)
    short = _remembered(_short_sentence, sentences, lambda s: len(_PUNCTUATION.sub("", s).split()) <= 2)
    sentence_length = _round(float(words / max(1, len(sentences) - short)), 1)
    # textstat lowers the case before it drops punctuation; outside ASCII that order can matter ("İ").
    lowered = bare.lower() if text.isascii() else _PUNCTUATION.sub("", text.lower())
    syllables = _remembered(_syllables, lowered.split(), lambda w: len(_HYPHENATOR.positions(w)) + 1)
    syllables_per_word = _round(float(syllables) / float(words), 1) if words else 0.0
    return _round(float(0.39 * sentence_length) + float(11.8 * syllables_per_word) - 15.59, 1)
