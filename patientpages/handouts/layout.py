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


@dataclass
class Fitted:
    pdf: bytes
    pages: int
    layout: str
    extra: str = "none"


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
    still fits. `html` holds the handout for every (layout, extra name)."""
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
    for layout in LAYOUTS:
        document = laid_out(layout, fullest)
        if len(document.pages) <= max_pages:
            return done(document, layout, fullest)
        page_of = {name: n + 1 for n, page in enumerate(document.pages) for name in page.anchors}
        if page_of[END_MARKERS["none"]] > max_pages:
            continue  # the handout itself does not fit: set it tighter
        # The diary comes first: if it ends in time, dropping the questions is enough.
        tries = ["diary"] if page_of[END_MARKERS["diary"]] <= max_pages else ["questions", plain]
        for extra in tries:
            candidate = laid_out(layout, extra)
            if len(candidate.pages) <= max_pages:
                return done(candidate, layout, extra)
        return done(laid_out(layout, plain), layout, plain)
    return Fitted(b"", len(document.pages), layout)


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
