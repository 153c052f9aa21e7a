"""A drug page printed from the browser: no navigation, black on white, urgent box whole, link addresses shown."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from conftest import once_per_run
from pypdf import PdfReader

from patientpages.checks.browser import served


def _words_in_main(page_file):
    return len(BeautifulSoup(page_file.read_text(encoding="utf-8"), "html.parser").main.get_text().split())


@pytest.fixture(scope="module")
def printed(real_build, request, tmp_path_factory):
    """What the printed page looks like, the PDF it prints to, and how many sheets the longest drug pages take:
    once per test run (both workers may run this module's tests; only the one that prints needs Chromium)."""
    return once_per_run(tmp_path_factory, "printed", lambda _: _print(real_build.site.out, request))


def _print(out, request) -> tuple[dict, bytes, dict]:
    chromium = request.getfixturevalue("chromium")
    with served(out) as origin:
        page = chromium.new_page()
        page.goto(f"{origin}/adults/blinatumomab/")
        # A reader in dark mode still prints black on white.
        page.emulate_media(media="print", color_scheme="dark")
        looks = page.evaluate("""() => {
            const style = (sel, prop) => getComputedStyle(document.querySelector(sel)).getPropertyValue(prop);
            const link = document.querySelector('#side-effects a[data-print]');
            return {
                header: style('.site-header', 'display'), crumbs: style('.breadcrumbs', 'display'),
                tools: style('.page-tools', 'display'), ink: style('body', 'color'),
                paper: style('body', 'background-color'), box: style('.call-now', 'break-inside'),
                boxBg: style('.call-now', 'background-color'), heading: style('.call-now h2', 'color'),
                after: getComputedStyle(link, '::after').getPropertyValue('content'),
                address: style('.print-only', 'display'),
                pageRule: [...document.styleSheets].some(
                    sheet => [...sheet.cssRules].some(rule => rule instanceof CSSPageRule)),
            };
        }""")
        pdf = page.pdf(format="A4", print_background=True)
        # For each audience, the drug page with the most words is the hardest to fit on 3 sheets.
        sheets = {}
        for audience in ("adults", "children"):
            longest = max((out / audience).glob("*/index.html"), key=_words_in_main)
            url = f"/{longest.parent.relative_to(out).as_posix()}/"
            page.goto(origin + url)
            for paper in ("A4", "Letter"):
                pdf_bytes = page.pdf(format=paper, prefer_css_page_size=True)
                sheets[url, paper] = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
        page.close()
    return looks, pdf, sheets


def test_print_hides_navigation_and_shows_the_page_address(printed):
    looks, *_ = printed
    assert looks["header"] == looks["crumbs"] == looks["tools"] == "none"
    assert looks["address"] == "block"


def test_print_is_black_on_white(printed):
    looks, *_ = printed
    assert looks["ink"] == "rgb(0, 0, 0)" and looks["heading"] == "rgb(0, 0, 0)"
    assert looks["paper"] in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert looks["boxBg"] == "rgb(255, 255, 255)"


def test_urgent_box_does_not_break_and_links_show_where_they_go(printed):
    looks, pdf, _ = printed
    reader = PdfReader(io.BytesIO(pdf))
    assert looks["box"] == "avoid"
    assert "https://leukemia-medicines.example.org/side-effects/" in looks["after"]
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Call your care team right away" in text
    assert "leukemia-medicines.example.org/adults/blinatumomab/" in text
    assert "Skip to main content" not in text


def test_drug_pages_print_on_at_most_three_sheets_of_either_paper(printed):
    looks, _, sheets = printed
    assert looks["pageRule"], "the stylesheet should have an @page rule"
    assert len(sheets) == 4 and max(sheets.values()) <= 3, sheets
