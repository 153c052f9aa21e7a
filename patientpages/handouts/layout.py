"""Laying a handout out on paper with WeasyPrint: the roomiest layout that fits, and no network access.

Fitting. Each handout is laid out in the roomiest layout first; if that runs past MAX_PAGES the same text is
set tighter (see LAYOUTS and handout.css), never shortened by dropping the call-right-away signs or cutting a
sentence. If even the tightest layout runs long, the caller reports the drug record.

Privacy. WeasyPrint is given a URL fetcher that serves only data: URLs and local files under templates/ or
static/; any other URL in the handout HTML or CSS fails the build instead of reaching the network.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..errors import BuildFailed, problem_at
from ..pipeline import Paths

TEMPLATE = "handout.html"
STYLESHEET = "handout.css"
MAX_PAGES = 2
# Tried in order until the handout fits: the same words, set progressively tighter (see handout.css).
LAYOUTS = ("regular", "compact", "tight", "dense")
RENDER_OPTIONS = {"pdf_identifier": False, "pdf_tags": True}


@dataclass
class Fitted:
    pdf: bytes
    pages: int
    layout: str


def fit(html: dict[str, str], css: str, size: str, paths: Paths, fetcher) -> Fitted:
    """Lay the handout out in each layout in turn and keep the first that fits on MAX_PAGES pages."""
    import weasyprint  # here, not at the top: a build that reuses every PDF never needs it (saves ~1 s)

    stylesheets = [
        weasyprint.CSS(string=css, base_url=str(paths.templates), url_fetcher=fetcher),
        weasyprint.CSS(string=f"@page {{ size: {size}; }}"),
    ]
    document: Any = None
    for layout in LAYOUTS:
        document = weasyprint.HTML(
            string=html[layout], base_url=str(paths.templates) + "/", url_fetcher=fetcher
        ).render(stylesheets=stylesheets, **RENDER_OPTIONS)
        fetcher.raise_refused(paths.templates / TEMPLATE)
        if len(document.pages) <= MAX_PAGES:
            break
    pdf = document.write_pdf(**RENDER_OPTIONS)
    return Fitted(pdf, len(document.pages), layout)


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
