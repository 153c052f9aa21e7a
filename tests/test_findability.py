"""Found in one step: glossary links where words are used, review dates and changes on every record's page, and
a site that search engines, feeds and shared links understand (sitemap, robots, canonical, JSON-LD, Open Graph).

The in-browser search itself is tested in tests/test_search.py.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import Site, paths_for

from patientpages.cli import main
from patientpages.errors import BuildFailed
from patientpages.pipeline import build
from patientpages.terms import Term, TermLinker

SITE = "https://test.example.org/"  # tests/fixtures/content/site.yaml
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"

# schema.org types and the properties each may carry, as schema.org defines them (https://schema.org/<Type>).
# A value outside this list is a typo or an invention that search engines would ignore or misread.
SCHEMA_ORG = {
    "MedicalWebPage": {"@context", "@type", "name", "url", "description", "inLanguage", "isPartOf",
                       "lastReviewed", "audience", "about"},
    "WebSite": {"@type", "name", "url"},
    "PeopleAudience": {"@type", "audienceType"},
    "Drug": {"@type", "name", "nonProprietaryName", "proprietaryName", "alternateName"},
    "MedicalSignOrSymptom": {"@type", "name", "alternateName"},
    "MedicalCondition": {"@type", "name", "alternateName"},
    "MedicalTherapy": {"@type", "name"},
}  # fmt: skip


def text(tag) -> str:
    return " ".join(tag.get_text().split())


def public_pages(site: Site) -> dict[str, Path]:
    """Public URL -> file, for every page a reader can reach (the 404 page has no address of its own)."""
    out = {}
    for path in site.pages():
        relative = path.relative_to(site.out).as_posix()
        if relative == "404.html":
            continue
        out[SITE + relative.removesuffix("index.html")] = path
    return out


# ---------- words explained where they are used ----------


def test_first_use_of_a_term_links_to_its_glossary_entry(fixture_site):
    main = fixture_site.soup("adults/alphamab/").find("main")
    terms = main.find_all("a", class_="term")
    # "It targets CD19" (what it is), then "helps T cells find the leukemia" (how it works); each once only,
    # though both words come again further down the page.
    assert [(a.get_text(), a["href"]) for a in terms] == [
        ("CD19", "../../glossary/#term-cd19"),
        ("T cells", "../../glossary/#term-t-cells"),
    ]
    assert main.find("a", class_="term").find_parent(["h1", "h2", "h3", "section"], class_="call-now") is None


def test_glossary_lists_the_pages_that_use_each_term(fixture_site):
    glossary = fixture_site.soup("glossary/")
    entry = glossary.find("dt", id="term-t-cells").find_next_sibling("dd")
    used = {a["href"] for a in entry.select(".used-on a")}
    assert "../adults/alphamab/" in used
    letters = [a.get_text() for a in glossary.select("nav.letters a")]
    assert letters == ["C", "T"]


def test_term_links_skip_headings_links_and_the_call_now_box():
    linker = TermLinker([Term("ph", ("Philadelphia chromosome", "Ph+")), Term("all", ("ALL",))])
    html = (
        "<header><p>Philadelphia chromosome</p></header><main>"
        "<h2>Philadelphia chromosome</h2>"
        '<section class="call-now"><p>Ph+ ALL</p></section>'
        '<p><a href="x">Philadelphia chromosome</a> all of it</p>'
        "<p>Some ALL is Ph+, as a Philadelphia chromosome test shows. ALL again.</p></main>"
    )
    linked, used = linker.link(html, "../glossary/")
    assert used == ["all", "ph"]
    assert linked.count('class="term"') == 2
    assert (
        '<p>Some <a class="term" href="../glossary/#all">ALL</a> is <a class="term" href="../glossary/#ph">Ph+</a>'
        in linked
    )
    assert "<h2>Philadelphia chromosome</h2>" in linked  # headings, links, the box and "all" stay as they are
    assert '<section class="call-now"><p>Ph+ ALL</p></section>' in linked
    assert "<header><p>Philadelphia chromosome</p></header>" in linked


def test_no_term_is_linked_twice_on_any_page(fixture_site):
    for path in fixture_site.pages():
        soup = fixture_site.soup(path.relative_to(fixture_site.out).as_posix())
        hrefs = [a["href"] for a in soup.find_all("a", class_="term")]
        assert len(hrefs) == len(set(hrefs)), path
        for a in soup.find_all("a", class_="term"):
            assert not a.find_parent(["h1", "h2", "h3", "h4", "a", "nav"]), path


# ---------- understood by search engines and shared links ----------


def test_sitemap_lists_exactly_the_published_pages_with_their_review_dates(fixture_site):
    root = ET.parse(fixture_site.out / "sitemap.xml").getroot()
    listed = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    pages = public_pages(fixture_site)
    assert set(listed) == set(pages)
    for url, lastmod in listed.items():
        reviewed = fixture_site.soup(pages[url].relative_to(fixture_site.out).as_posix()).select_one(".reviewed time")
        assert lastmod == (reviewed["datetime"] if reviewed else None), url
    assert listed[SITE + "adults/alphamab/"] == "2026-11-01"
    robots = (fixture_site.out / "robots.txt").read_text()
    assert f"Sitemap: {SITE}sitemap.xml" in robots.splitlines()


def test_every_page_describes_itself(fixture_site):
    for url, path in public_pages(fixture_site).items():
        soup = fixture_site.soup(path.relative_to(fixture_site.out).as_posix())
        assert soup.find("link", rel="canonical")["href"] == url
        description = soup.find("meta", attrs={"name": "description"})["content"]
        assert description
        assert soup.find("meta", property="og:description")["content"] == description
        assert soup.find("meta", property="og:url")["content"] == url
        assert soup.find("meta", property="og:title")["content"] == text(soup.find("h1"))
    # From the record's own words (tests/fixtures/content/side-effects/crs.yaml, what_it_is):
    crs = fixture_site.soup("side-effects/crs/").find("meta", attrs={"name": "description"})["content"]
    assert crs == "The immune system works too hard all at once."


def _check_types(node, where):
    if isinstance(node, dict):
        if "@type" in node:
            allowed = SCHEMA_ORG.get(node["@type"])
            assert allowed is not None, f"{where}: unknown type {node['@type']}"
            assert set(node) <= allowed, f"{where}: {set(node) - allowed} not defined for {node['@type']}"
        for value in node.values():
            _check_types(value, where)
    elif isinstance(node, list):
        for value in node:
            _check_types(value, where)


def test_every_page_carries_json_ld_matching_what_it_shows(fixture_site):
    for url, path in public_pages(fixture_site).items():
        soup = fixture_site.soup(path.relative_to(fixture_site.out).as_posix())
        data = json.loads(soup.find("script", type="application/ld+json").string)
        _check_types(data, url)
        assert data["@type"] == "MedicalWebPage"
        assert data["url"] == url
        assert data["name"] == text(soup.find("h1"))
        assert data["isPartOf"] == {"@type": "WebSite", "name": "Test Medicines Guide", "url": SITE}
        reviewed = soup.select_one(".reviewed time")
        assert data.get("lastReviewed") == (reviewed["datetime"] if reviewed else None), url
        tag = soup.find(class_="audience-tag")
        if tag:
            readers = text(tag).removeprefix("For ")
            assert data["audience"]["audienceType"].startswith(readers), url

    drug = json.loads(fixture_site.soup("children/alphamab/").find("script", type="application/ld+json").string)
    assert drug["about"] == {
        "@type": "Drug",
        "name": "Alphamab",
        "nonProprietaryName": "Alphamab",
        "proprietaryName": ["Alphavo"],
        "alternateName": ["alpha-cel"],
    }
    effect = json.loads(fixture_site.soup("side-effects/crs/").find("script", type="application/ld+json").string)
    assert effect["about"] == {"@type": "MedicalSignOrSymptom", "name": "Cytokine release syndrome (CRS)"}


def test_every_record_page_shows_its_review_dates(fixture_site):
    for page in ("adults/alphamab/", "side-effects/fever/", "conditions/test-leukemia/", "treatments/test-pill/"):
        reviewed = text(fixture_site.soup(page).find(class_="reviewed"))
        assert reviewed.startswith("Last reviewed: November 1, 2026. Next review due: November 1, 2027."), page


def test_the_not_found_page_works_at_any_depth(fixture_site):
    # A host serves 404.html at whatever address was missing, so its links start from the site's root.
    soup = fixture_site.soup("404.html")
    local = [
        t.get("href") or t.get("src") for t in soup.find_all(["a", "link", "script"]) if t.get("href") or t.get("src")
    ]
    local = [u for u in local if not u.startswith(("http", "#"))]
    assert local and all(u.startswith("/") for u in local), local
    for url in local:
        target = fixture_site.out / url.lstrip("/").split("#")[0]
        assert target.is_file() or (target / "index.html").is_file(), url


def test_lists_say_what_kind_of_treatment_each_medicine_is(fixture_site):
    row = next(li for li in fixture_site.soup("drugs/").select("ul.az li") if "alpha-cel" in li.get_text())
    assert "Test antibodies" in text(row)
    listed = next(li for li in fixture_site.soup("children/").select(".drug-list li") if "Alphamab" in li.get_text())
    assert "Test antibodies" in text(listed)


# ---------- what changed ----------

CHANGES = """\
changes:
  - date: 2026-10-02
    what: Added what to do at home.
  - date: 2026-10-20
    what: Added the brand name.
"""


def test_changes_show_on_the_page_the_updates_page_and_the_feed(content_copy, tmp_path):
    (content_copy / "side-effects/fever.yaml").write_text(
        (content_copy / "side-effects/fever.yaml").read_text() + CHANGES, encoding="utf-8"
    )
    out = tmp_path / "site"
    build(paths_for(content_copy, out))
    site = Site(out)

    changes = [text(li) for li in site.soup("side-effects/fever/").select(".changes li")]
    assert changes == ["October 20, 2026: Added the brand name.", "October 2, 2026: Added what to do at home."]

    updates = [text(li) for li in site.soup("updates/").select("ul.updates li")]
    assert updates[0].startswith("October 20, 2026: Fever. Added the brand name.")
    assert updates[1].startswith("October 2, 2026: Fever. Added what to do at home.")

    feed = ET.parse(out / "updates.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Fever: Added the brand name.",
        "Fever: Added what to do at home.",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == SITE + "side-effects/fever/"
    assert feed.findtext(f"{ATOM}updated").startswith("2026-11-01")  # the newest review, never the clock


def test_a_change_dated_after_the_review_is_refused(content_copy, tmp_path):
    path = content_copy / "side-effects/fever.yaml"
    lines = len(path.read_text().splitlines())
    path.write_text(path.read_text() + "changes:\n  - date: 2026-12-01\n    what: Not yet checked.\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(paths_for(content_copy, tmp_path / "site"))
    assert [str(p).replace(str(content_copy) + "/", "") for p in failed.value.problems] == [
        f"side-effects/fever.yaml:{lines + 2}:11: change dated 2026-12-01 is after the record's reviewed date "
        "(2026-11-01); review the record and update 'reviewed'"
    ]


def test_a_placeholder_address_is_reported_by_every_build(content_copy, tmp_path, capsys):
    assert main(["build", "--content", str(content_copy), "--out", str(tmp_path / "site"), "--no-handouts"]) == 0
    said = capsys.readouterr().out
    assert "base_url https://test.example.org/ is a placeholder" in said
    assert "site.yaml:2:11" in said


def test_a_strict_check_refuses_a_placeholder_address(content_copy, tmp_path, capsys, strict_rules_only):
    # Only the rule that a site to publish has a real address: the gates and handouts are tested elsewhere.
    assert main(["check", "--strict", "--content", str(content_copy)]) == 1
    assert "base_url https://test.example.org/ is a placeholder" in capsys.readouterr().err
    site_yaml = content_copy / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("test.example.org", "medicines.hospital.test"))
    assert main(["check", "--strict", "--content", str(content_copy)]) == 0
