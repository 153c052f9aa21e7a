"""A golden site, as Pelican keeps one: the `<main>` of a few fixture pages, committed under tests/golden/ and
compared after every fixture build, so any change to what a reader sees shows up as a reviewable diff.

The pages are normalised before comparing (BeautifulSoup's prettify: one tag or text per line, whitespace
folded), so a golden file reads like the page. When a change is intended, rewrite them and review the diff:

    .venv/bin/python -m pytest tests/test_golden.py --update-golden
    git diff tests/golden/
"""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
# One drug page per audience, a side-effect page and the glossary: every partial a drug page uses, and both voices.
PAGES = {
    "adults/alphamab/": "adult-drug.html",
    "children/alphamab/": "child-drug.html",
    "side-effects/crs/": "side-effect.html",
    "glossary/": "glossary.html",
}


def main_html(site, page: str) -> str:
    return site.soup(page).find("main").prettify()


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_its_golden_copy(fixture_site, page, request):
    golden = GOLDEN / PAGES[page]
    now = main_html(fixture_site, page)
    if request.config.getoption("--update-golden"):
        golden.write_text(now, encoding="utf-8")
        return
    assert golden.exists(), f"no golden copy of {page}: run pytest tests/test_golden.py --update-golden"
    assert now == golden.read_text(encoding="utf-8"), (
        f"{page} differs from {golden.relative_to(GOLDEN.parent.parent)}; if intended, run "
        "pytest tests/test_golden.py --update-golden and review git diff tests/golden/"
    )
