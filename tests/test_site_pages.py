"""The built fixture site, read as a reader would: every page kind, the links between them, the content."""

from __future__ import annotations

from patientpages.checks.links import broken_links


def text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


def test_every_page_kind_renders(fixture_site):
    for page in [
        "index.html",
        "adults/",
        "children/",
        "adults/alphamab/",
        "children/alphamab/",
        "adults/betanib/",
        "side-effects/",
        "side-effects/crs/",
        "conditions/",
        "conditions/test-leukemia/",
        "treatments/",
        "treatments/test-antibody/",
        "drugs/",
        "glossary/",
        "handouts/adults/",
        "handouts/children/",
        "404.html",
    ]:
        soup = fixture_site.soup(page)
        assert soup.find("h1").get_text(strip=True), page
        assert soup.find("main", id="main"), page


def test_every_internal_link_and_fragment_resolves(fixture_site):
    # Handout PDFs are not built here; everything else must resolve.
    problems = [p for p in broken_links(fixture_site.out) if ".pdf" not in p.message]
    assert problems == []


def test_drug_page_for_an_audience_only_when_the_record_has_it(fixture_site):
    assert fixture_site.exists("adults/betanib/index.html")
    assert not fixture_site.exists("children/betanib/index.html")


def test_adult_and_child_pages_link_to_each_other(fixture_site):
    adult = fixture_site.soup("adults/alphamab/")
    child = fixture_site.soup("children/alphamab/")
    assert adult.find("a", string="Page for children")["href"] == "../../children/alphamab/"
    assert child.find("a", string="Page for adults")["href"] == "../../adults/alphamab/"
    assert fixture_site.soup("adults/betanib/").find("a", string="Page for children") is None


def test_drug_page_shows_names_use_and_how_given(fixture_site):
    page = text(fixture_site.soup("adults/alphamab/"))
    for expected in [
        "Alphamab",
        "Alphavo",
        "alpha-cel",
        "Some kinds of test leukemia in adults.",
        "Into a vein (IV)",
        "A slow drip for some days.",
        "Test antibodies",
        "Document One",
        "Last reviewed: November 1, 2026",
        "2020: 100 adults",
    ]:
        assert expected in page, expected


def test_side_effect_section_shows_its_tiers_and_links_each_effect(fixture_site):
    soup = fixture_site.soup("adults/alphamab/")
    section = soup.find(id="side-effects")
    assert section is not None
    titles = [h.get_text(" ", strip=True) for h in section.find_all("h3")]
    # No serious effects are listed for alphamab, so no "serious" heading stands over nothing.
    assert titles == ["! Call your care team right away", "Common side effects"]
    links = {a.get_text(strip=True): a["href"] for a in section.find_all("a")}
    assert links == {
        "Cytokine release syndrome (CRS)": "../../side-effects/crs/",
        "Fever": "../../side-effects/fever/",
        "Headache": "../../side-effects/headache/",
    }
    assert "(often mild)" in text(section)


def test_urgent_signs_come_first_and_boxed(fixture_site):
    soup = fixture_site.soup("adults/alphamab/")
    main = soup.find("main")
    first_section = main.find("section")
    assert "call-now" in first_section["class"]
    assert "High fever or chills" in text(first_section)


def test_child_page_speaks_to_caregivers_and_adds_child_side_effects(fixture_site):
    child = fixture_site.soup("children/alphamab/")
    box = child.find(class_="call-now")
    assert "your child" in text(box).lower()
    assert "Feeling faint or dizzy" in text(box)  # from the child-only urgent addition
    adult_box = fixture_site.soup("adults/alphamab/").find(class_="call-now")
    assert "Feeling faint or dizzy" not in text(adult_box)


def test_side_effect_pages_list_exactly_the_drugs_that_name_them(fixture_site):
    def listed(slug, heading):
        soup = fixture_site.soup(f"side-effects/{slug}/")
        h3 = soup.find("h3", string=heading)
        items = h3.find_next_sibling()
        return sorted(a.get_text(strip=True) for a in items.find_all("a"))

    assert listed("headache", "For adults") == ["Alphamab", "Betanib"]
    assert listed("headache", "For children") == ["Alphamab"]
    assert listed("crs", "For adults") == ["Alphamab"]
    assert listed("low-blood-pressure", "For adults") == []
    assert listed("low-blood-pressure", "For children") == ["Alphamab"]
    assert listed("rash", "For adults") == [] and listed("rash", "For children") == []


def test_condition_and_class_pages_list_their_drugs_per_audience(fixture_site):
    condition = fixture_site.soup("conditions/test-leukemia/")
    adults = condition.find(id="for-adult").find_parent("section")
    children = condition.find(id="for-child").find_parent("section")
    assert [a.get_text(strip=True) for a in adults.select(".drug-list a")] == ["Alphamab", "Betanib"]
    assert [a.get_text(strip=True) for a in children.select(".drug-list a")] == ["Alphamab"]
    broad = fixture_site.soup("treatments/test-therapy/")  # the parent class lists its narrower classes' drugs
    assert sorted(a.get_text(strip=True) for a in broad.select(".drug-list a")) == ["Alphamab", "Alphamab", "Betanib"]
    crumbs = fixture_site.soup("treatments/test-antibody/").find(class_="breadcrumbs")
    assert [li.get_text(strip=True) for li in crumbs.find_all("li")] == [
        "Home",
        "Kinds of treatment",
        "Test therapy",
        "Test antibodies",
    ]


def test_related_drugs_share_a_condition(fixture_site):
    related = fixture_site.soup("adults/alphamab/").find(id="related-title").find_parent("section")
    assert [a.get_text(strip=True) for a in related.find("ul").find_all("a")] == ["Betanib"]


def test_a_to_z_lists_generic_brand_and_short_names(fixture_site):
    soup = fixture_site.soup("drugs/")
    names = [s.get_text(strip=True) for s in soup.select(".az-name")]
    assert names == sorted(names, key=str.lower)
    assert {"Alphamab", "Alphavo", "alpha-cel", "Betanib", "Betavec"} <= set(names)
    row = next(li for li in soup.select(".az li") if "Alphavo" in li.get_text())
    assert [a["href"] for a in row.find_all("a")] == ["../adults/alphamab/", "../children/alphamab/"]


def test_breadcrumbs_show_where_a_page_sits(fixture_site):
    crumbs = fixture_site.soup("children/alphamab/").find("nav", class_="breadcrumbs")
    assert [li.get_text(strip=True) for li in crumbs.find_all("li")] == ["Home", "Children", "Alphamab"]


def test_markdown_cross_links_resolve_for_the_page_audience(fixture_site):
    narrative = fixture_site.soup("adults/alphamab/").find(class_="narrative")
    hrefs = {a.get_text(strip=True): a["href"] for a in narrative.find_all("a")}
    assert hrefs["CRS"] == "../../side-effects/crs/"
    assert hrefs["betanib"] == "../../adults/betanib/"
    assert hrefs["glossary entry for CD19"] == "../../glossary/#term-cd19"
    assert hrefs["the class"] == "../../treatments/test-antibody/"


def test_glossary_terms_have_anchors(fixture_site):
    soup = fixture_site.soup("glossary/")
    assert soup.find("dt", id="term-cd19") and soup.find("dt", id="term-t-cells")


def test_every_page_works_on_a_phone_and_loads_nothing_from_elsewhere(fixture_site):
    for path in fixture_site.pages():
        soup = fixture_site.soup(str(path.relative_to(fixture_site.out)))
        assert soup.find("meta", attrs={"name": "viewport"}), path
        assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"}), path
        for tag in soup.find_all(["script", "link", "img"]):
            url = tag.get("src") or tag.get("href") or ""
            assert (
                not url.startswith(("http:", "https:", "//")) or tag.name == "link" and tag.get("rel") == ["canonical"]
            ), (path, url)
        assert soup.find("a", class_="skip-link")["href"] == "#main"
