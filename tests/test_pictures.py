"""Treatment pictures drawn from the records: an accessible inline SVG with the right days, doses or steps."""

from __future__ import annotations

import pytest
from conftest import Site

TKIS = ["imatinib", "dasatinib", "nilotinib", "ponatinib", "bosutinib"]
CAR_T_PAGES = [
    "adults/tisagenlecleucel/",
    "children/tisagenlecleucel/",
    "adults/brexucabtagene-autoleucel/",
    "treatments/car-t-cell-therapy/",
]


@pytest.fixture(scope="module")
def site(real_build) -> Site:
    return real_build.site


def picture(site: Site, url: str):
    """The page's one treatment picture, checked for what every picture needs; None when it has none."""
    svgs = site.soup(url).select("main svg")
    if not svgs:
        return None
    [svg] = svgs
    assert svg["role"] == "img"
    title, desc = svg.find("title"), svg.find("desc")
    assert title.text.strip() and len(desc.text.split()) >= 8
    # The accessible name and description are the title and desc themselves.
    assert svg["aria-labelledby"].split() == [title["id"], desc["id"]]
    # Drawn by the build: nothing runs, nothing comes from elsewhere, colour comes from the text around it.
    assert not svg.find_all(["script", "foreignObject", "image", "a", "use"])
    assert not any(attr.startswith("on") or attr == "style" for tag in svg.find_all(True) for attr in tag.attrs)
    assert "viewbox" in svg.attrs and svg.find_parent("figure").figcaption.text.strip() == title.text.strip()
    return svg


def doses(svg, kind: str) -> list[int]:
    return [int(mark.get("data-day", 0)) for mark in svg.select(f'[data-dose="{kind}"]')]


def test_blinatumomab_for_adults_shows_28_days_of_drip_then_14_off_repeated(site):
    svg = picture(site, "adults/blinatumomab/")
    assert len(svg.select("[data-day]")) == 42
    assert doses(svg, "yes") == list(range(1, 29)) and doses(svg, "maybe") == []
    words = svg.desc.text
    assert "Days 1 to 28" in words and "Days 29 to 42" in words and "More cycles may follow" in words
    assert "blinatumomab" in svg.title.text.lower()


def test_blinatumomab_for_children_shows_only_what_the_child_source_says(site):
    svg = picture(site, "children/blinatumomab/")
    assert len(svg.select("[data-day]")) == 28 and doses(svg, "yes") == list(range(1, 29))
    assert "More cycles" not in svg.desc.text and "Again" not in svg.text


def test_inotuzumab_shows_one_drip_a_week_for_3_or_4_weeks(site):
    svg = picture(site, "adults/inotuzumab-ozogamicin/")
    assert len(svg.select("[data-day]")) == 28
    assert doses(svg, "yes") == [1, 8, 15] and doses(svg, "maybe") == [22]
    assert "21 or 28 days" in svg.desc.text and "for some people" in svg.desc.text


@pytest.mark.parametrize("slug", TKIS)
def test_tkis_show_pills_once_or_twice_every_day(site, slug):
    svg = picture(site, f"adults/{slug}/")
    assert len(svg.select("[data-day]")) == 7
    assert len(doses(svg, "yes")) == 7 and len(doses(svg, "maybe")) == 7
    assert "once or twice a day" in svg.desc.text


def test_revumenib_shows_pills_twice_every_day(site):
    svg = picture(site, "adults/revumenib/")
    assert len(svg.select("[data-day]")) == 7
    assert len(doses(svg, "yes")) == 14 and doses(svg, "maybe") == []
    assert "twice a day" in svg.desc.text and "once" not in svg.desc.text


@pytest.mark.parametrize("url", CAR_T_PAGES)
def test_car_t_shows_its_five_steps_on_the_class_page_and_every_car_t_drug_page(site, url):
    svg = picture(site, url)
    assert [int(step["data-step"]) for step in svg.select("[data-step]")] == [1, 2, 3, 4, 5]
    words = svg.desc.text
    assert words.startswith("5 steps") and "a few weeks" in words and "a few days" in words
    assert words.index("collected") < words.index("lab") < words.index("Chemo") < words.index("vein")


def test_pages_without_a_schedule_in_the_sources_have_no_picture(site):
    # The child source gives no schedule for inotuzumab; rituximab's sources give none at all.
    for url in ["children/inotuzumab-ozogamicin/", "adults/rituximab/", "treatments/immunotherapy/"]:
        assert picture(site, url) is None, url


def test_the_picture_sits_under_how_it_is_given(site):
    soup = site.soup("adults/blinatumomab/")
    assert soup.select_one("svg").find_parent("section")["aria-labelledby"] == "given-title"
