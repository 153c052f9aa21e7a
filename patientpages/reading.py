"""Reading grade (Flesch–Kincaid) of a page's main text, as a reader meets it."""

from __future__ import annotations

import re

import textstat
from bs4 import BeautifulSoup

BLOCKS = ["h1", "h2", "h3", "h4", "p", "li", "dt", "dd", "td", "th"]
# Names of medicines are long words a reader copies, not reads; counting them would blame the prose for them.
DRUG_NAME = re.compile(r"\b\w*(?:mab|cel|tinib|nib|umab|ogamicin|pasudotox|leucel|menib)\b", re.I)


def main_text(html: str) -> str:
    """The prose inside <main>, each block ended as a sentence so lists are not read as one long one."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main")
    if main is None:
        return ""
    pieces = []
    for block in main.find_all(BLOCKS):
        if block.find(BLOCKS):
            continue  # only innermost blocks, so no text is counted twice
        text = " ".join(block.get_text(" ").split())
        if text:
            pieces.append(text if text[-1] in ".!?:" else text + ".")
    return " ".join(pieces)


def reading_grade(html: str) -> float | None:
    text = DRUG_NAME.sub("medicine", main_text(html))
    if len(text.split()) < 30:
        return None  # too little prose for a meaningful grade
    return round(textstat.flesch_kincaid_grade(text), 1)
