"""Site search in a real browser: type what a reader knows, and the page they need is the first result.

The real content is built with its Pagefind index and served on 127.0.0.1; Chromium types into the header's
search box on a phone-sized screen, as a reader would.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from conftest import Site, once_per_run

from patientpages.checks.browser import served

# What a reader types -> the page that must come first.
FIRST = {
    "Sprycel": "/adults/dasatinib/",  # a brand name
    "Kymriah": "/adults/tisagenlecleucel/",
    "tisa-cel": "/adults/tisagenlecleucel/",  # a short name
    "fever": "/side-effects/fever/",  # a symptom: its own page first...
    "seizure": "/side-effects/nervous-system-problems/",
}


@pytest.fixture(scope="module")
def site(real_build) -> Site:
    return real_build.site  # the session's one real build, search index included


@pytest.fixture(scope="module")
def searched(site, request, tmp_path_factory):
    """Each query's result links, the requests to other hosts and the console errors, from one browser session
    once per test run (both workers may run this module's tests; only the one that searches needs Chromium)."""
    return once_per_run(tmp_path_factory, "searched", lambda _: _search(site, request.getfixturevalue("chromium")))


def _search(site: Site, chromium) -> tuple[dict, list[str], list[str]]:
    found: dict[tuple[str, str], list] = {}
    outside: list[str] = []
    errors: list[str] = []
    with served(site.out) as origin:
        page = chromium.new_page(viewport={"width": 390, "height": 844})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(origin) else None)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{origin}/adults/blinatumomab/")
        queries = [(q, "") for q in [*FIRST, "Blincyto"]] + [("Kymriah", "Children")]
        for query, audience in queries:
            if audience:  # the filters show once a search has begun
                page.fill("#site-search-input", "")
                page.select_option("#site-search-audience", audience)
            page.fill("#site-search-input", query)
            page.wait_for_function(
                "q => document.querySelector('#site-search-status').textContent.includes(q)", arg=query
            )
            found[(query, audience)] = page.eval_on_selector_all(
                ".search-results li",
                "items => items.map(li => [li.querySelector('a').getAttribute('href'),"
                " (li.querySelector('.search-about') || {}).textContent || ''])",
            )
        page.close()
    return found, outside, errors


@pytest.mark.parametrize("query", FIRST)
def test_what_a_reader_knows_finds_the_page_first(searched, query):
    found, _, _ = searched
    assert found[(query, "")][0][0] == FIRST[query], found[(query, "")][:3]


def test_a_symptom_then_finds_the_medicines_that_list_it(searched):
    found, _, _ = searched
    urls = [url for url, _ in found[("seizure", "")]]
    assert any(urlsplit(u).path.startswith(("/adults/", "/children/")) for u in urls[1:]), urls


def test_a_brand_name_finds_the_pages_for_both_audiences(searched):
    found, _, _ = searched
    top = {url for url, _ in found[("Blincyto", "")][:2]}
    assert top == {"/adults/blinatumomab/", "/children/blinatumomab/"}


def test_results_say_who_a_page_is_for_and_the_filter_keeps_to_it(searched):
    found, _, _ = searched
    child = found[("Kymriah", "Children")]
    assert child[0] == ["/children/tisagenlecleucel/", "Medicine · For parents and caregivers"]
    assert all(about.endswith("For parents and caregivers") for _, about in child), child
    assert dict(found[("Sprycel", "")])["/adults/dasatinib/"] == "Medicine · For adults"


def test_search_loads_nothing_from_elsewhere_and_breaks_no_rule(searched):
    _, outside, errors = searched
    assert outside == []
    assert errors == []  # a Content-Security-Policy refusal would show here


def test_the_search_box_keeps_its_filters_out_of_the_way_until_used(site, chromium):
    with served(site.out) as origin:
        page = chromium.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{origin}/children/inotuzumab-ozogamicin/")
        assert not page.is_visible("#site-search-audience")
        box = page.locator(".call-now").bounding_box()
        page.fill("#site-search-input", "fever")
        page.wait_for_selector(".search-results li")
        assert page.is_visible("#site-search-audience")
        page.close()
    assert box is not None and box["y"] < 844  # the call-right-away box starts on the first phone screen


def test_without_javascript_the_box_is_a_link_to_the_a_to_z(site):
    for page in ("", "adults/dasatinib/", "side-effects/fever/"):
        box = site.soup(page).find(attrs={"data-search": True})
        assert [a["href"].rsplit("/", 2)[-2] for a in box.find_all("a")] == ["drugs"], page
