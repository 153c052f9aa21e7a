"""Laying a handout out on paper with WeasyPrint: the roomiest layout that fits, and no network access.

Fitting. Each handout is laid out in the roomiest layout first; if that runs past its page limit the same text
is set tighter (see LAYOUTS and handout.css), never shortened by dropping the call-right-away signs or cutting a
sentence. If even the tightest layout runs long, the caller reports the drug record. Then, in the layout that
fitted, the page-2 material (EXTRAS: a side-effect diary and "My questions" lines) is added, the most that
still fits the limit.

Privacy. WeasyPrint is given a URL fetcher that serves only data: URLs and local files under templates/ or
static/; any other URL in the handout HTML or CSS fails the build instead of reaching the network.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..errors import BuildFailed, problem_at
from ..pipeline import Paths

TEMPLATE = "handout.html"
STYLESHEET = "handout.css"
MAX_PAGES = 2  # a regular handout; large print may run to kinds.Edition.max_pages (4)
# Tried in order until the handout fits: the same words, set progressively tighter (see handout.css).
LAYOUTS = ("regular", "compact", "tight", "dense")
RENDER_OPTIONS = {"pdf_identifier": False, "pdf_tags": True}


@dataclass(frozen=True)
class Extra:
    """Page-2 material: a diary grid of `diary_days` days and `questions` lines for the reader's questions."""

    name: str
    diary_days: int
    questions: int


# The most first. A 14-day diary is no taller than a 7-day one, so a regular handout gets 14 days; large print
# has room for a week at a time across the page.
EXTRAS = (Extra("diary-questions", 14, 5), Extra("diary", 14, 0), Extra("questions", 0, 5), Extra("none", 0, 0))
LARGE_PRINT_EXTRAS = tuple(Extra(e.name, min(e.diary_days, 7), e.questions) for e in EXTRAS)
# Empty elements the template places after the handout itself, the diary and the questions: the page each
# lands on says what fits, so one layout pass usually decides (a section never breaks across pages).
END_MARKERS = {"none": "handout-end", "diary": "diary-end", "questions": "questions-end"}
TITLES = {"diary": "diary-title", "questions": "questions-title"}  # the headings that start them


@dataclass
class Fitted:
    pdf: bytes
    pages: int
    layout: str
    extra: str = "none"


# Page-2 material is never tried in less room than this share of its height in the roomiest layout: a tighter
# layout keeps its grid and lines as tall and shrinks only headings and spacing, so it cannot fit in less.
TIGHTER_SHRINK = 0.75


def fit(
    html: dict[tuple[str, str], str],
    css: str,
    size: str,
    paths: Paths,
    fetcher,
    *,
    max_pages: int = MAX_PAGES,
    extras: tuple[Extra, ...] = EXTRAS,
) -> Fitted:
    """The roomiest layout in which the handout itself fits on `max_pages`, with the most page-2 material that
    still fits. `html` holds the handout for every (layout, extra name).

    Each layout costs a WeasyPrint render (about 0.1 s a page), so renders are saved where the answer is
    already known: once the roomiest layout runs long, a tighter one is tried with the handout alone (fewer
    pages), and page-2 material is not tried where the space left is clearly too small for it."""
    import weasyprint  # here, not at the top: a build that reuses every PDF never needs it (saves ~1 s)

    stylesheets = [
        weasyprint.CSS(string=css, base_url=str(paths.templates), url_fetcher=fetcher),
        weasyprint.CSS(string=f"@page {{ size: {size}; }}"),
    ]

    def laid_out(layout: str, extra: str):
        document = weasyprint.HTML(
            string=html[layout, extra], base_url=str(paths.templates) + "/", url_fetcher=fetcher
        ).render(stylesheets=stylesheets, **RENDER_OPTIONS)
        fetcher.raise_refused(paths.templates / TEMPLATE)
        return document

    def done(document, layout: str, extra: str) -> Fitted:
        return Fitted(document.write_pdf(**RENDER_OPTIONS), len(document.pages), layout, extra)

    fullest, plain = extras[0].name, extras[-1].name
    roomiest = laid_out(LAYOUTS[0], fullest)
    if len(roomiest.pages) <= max_pages:
        return done(roomiest, LAYOUTS[0], fullest)
    heights = _extra_heights(roomiest)
    document = roomiest
    for layout in LAYOUTS:
        alone = None
        if layout == LAYOUTS[0]:
            full = roomiest
            if _marks(full)[END_MARKERS["none"]][0] > max_pages:
                continue  # the handout itself does not fit: set it tighter
        else:
            document = alone = laid_out(layout, plain)
            if len(alone.pages) > max_pages:
                continue
            room = _room_left(alone, max_pages)
            if (
                room is not None
                and heights.keys() == TITLES.keys()
                and all(room < TIGHTER_SHRINK * h for h in heights.values())
            ):
                return done(alone, layout, plain)  # no page-2 material could fit
            full = laid_out(layout, fullest)
            if len(full.pages) <= max_pages:
                return done(full, layout, fullest)
        # The handout fits, not everything after it. The diary comes first: if it ends in time, dropping the
        # questions is enough.
        marks = _marks(full)
        if marks[END_MARKERS["diary"]][0] <= max_pages:
            tries = ["diary"]
        else:
            room = _room_left(full, max_pages)
            skip = room is not None and "questions" in heights and room < TIGHTER_SHRINK * heights["questions"]
            tries = [] if skip else ["questions"]
        for extra in tries:
            candidate = laid_out(layout, extra)
            if len(candidate.pages) <= max_pages:
                return done(candidate, layout, extra)
        return done(alone or laid_out(layout, plain), layout, plain)
    return Fitted(b"", len(document.pages), layout)


def _marks(document) -> dict[str, tuple[int, float]]:
    """Each named element's page (from 1) and the top of its box on that page (CSS px)."""
    return {name: (n + 1, box[1]) for n, page in enumerate(document.pages) for name, box in page.anchors.items()}


def _room_left(document, max_pages: int) -> float | None:
    """The height left below the handout on the last page allowed, or None where it is not known: the handout
    ends on an earlier page (a whole page is left), or WeasyPrint does not say where the page's content area
    ends (its page box is internal: without it no render is saved, and none is wrong)."""
    page, top = _marks(document)[END_MARKERS["none"]]
    box = getattr(document.pages[page - 1], "_page_box", None)
    if page != max_pages or box is None:
        return None
    return box.content_box_y() + box.height - top


def _extra_heights(document) -> dict[str, float]:
    """How tall the diary and the questions stood in this layout, from the end of what came before (or, on a
    new page, from their heading: the margin above it is dropped there, so the height is if anything short)."""
    marks, heights = _marks(document), {}
    before = END_MARKERS["none"]
    for name, title in TITLES.items():
        end = END_MARKERS[name]
        if title not in marks or end not in marks:
            continue
        (page, top), (end_page, bottom) = marks[title], marks[end]
        if page == end_page:
            heights[name] = bottom - (marks[before][1] if marks[before][0] == page else top)
        before = end
    return heights


def read_stylesheet(paths: Paths) -> str:
    path = paths.templates / STYLESHEET
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise BuildFailed([problem_at(path, 1, 1, f"cannot read the handout stylesheet: {err.strerror}")]) from err


def local_only_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher that serves data: URLs and files under `roots` and refuses everything else,
    so building a handout never reaches the network. Refusals are collected in `.refused` and turned into a
    build error by `.raise_refused(template)`."""
    return _local_only_fetcher_class()(roots)


@functools.cache
def _local_only_fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"data", "file"})
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
                if any(path.is_relative_to(root) for root in self.roots):
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"handouts may only use data: URLs and local files, not {url}")

        def raise_refused(self, template: Path) -> None:
            if self.refused:
                urls, self.refused = sorted(set(self.refused)), []
                raise BuildFailed(
                    [
                        problem_at(
                            template,
                            1,
                            1,
                            f"the handout asks for {u}; handouts may only "
                            f"use data: URLs and files under templates/ or "
                            f"static/",
                        )
                        for u in urls
                    ]
                )

    return LocalOnlyFetcher
