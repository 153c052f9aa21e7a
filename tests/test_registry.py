"""The registry of page kinds and the audience's voice, seen as a reader sees them: in the built pages.

A kind of page added to the registry (help and support) gets its page, its list page, its breadcrumb and its
links from the home pages; side-effect headings speak to each audience and never stand over an empty list.
"""

from __future__ import annotations

from pathlib import Path

from conftest import Site, paths_for

from patientpages import kinds
from patientpages.pipeline import build
from patientpages.plan import mid_sentence


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def built(content: Path, tmp_path: Path) -> Site:
    out = tmp_path / "site"
    build(paths_for(content, out))
    return Site(out)


def text(tag) -> str:
    return " ".join(tag.get_text(" ").split())


HELP_RECORD = """\
title: Getting support
summary: Where to find people who can help while you or your child is treated.
reviewed: 2026-11-01
sources: [doc-one]
"""
HELP_NARRATIVE = """\
## Talk to the care team

The care team can put you in touch with a counselor. Read about [fever](side-effect:fever) too.
"""


def test_a_help_page_is_one_record_and_is_linked_from_every_home(content_copy, tmp_path):
    write(content_copy / "help/support.yaml", HELP_RECORD)
    write(content_copy / "help/support.md", HELP_NARRATIVE)
    site = built(content_copy, tmp_path)

    page = site.soup("help/support/")
    assert text(page.find("h1")) == "Getting support"
    crumbs = [a.get_text() for a in page.select("nav.breadcrumbs a")]
    assert crumbs == ["Home", "Help and support"]
    assert page.find("a", href="../../side-effects/fever/")  # the narrative's cross-link resolved
    assert "Document One" in text(page.find(class_="sources"))
    assert "November 1, 2026" in text(page.find(class_="reviewed"))

    listing = site.soup("help/")
    assert [a["href"] for a in listing.select("main a")] == ["../help/support/"]
    for home in ("", "adults/", "children/"):
        links = site.soup(home).select('main a[href$="help/support/"]')
        assert [a.get_text() for a in links] == ["Getting support"], home


def test_without_help_records_there_is_no_empty_help_list(fixture_site):
    assert not fixture_site.exists("help/index.html")
    assert fixture_site.exists("drugs/index.html")  # the A–Z keeps its address even if it were empty


def test_headings_speak_to_each_audience(fixture_site):
    adult = fixture_site.soup("adults/alphamab/")
    child = fixture_site.soup("children/alphamab/")
    assert text(adult.find(id="tier-urgent")) == "! Call your care team right away"
    assert text(child.find(id="tier-urgent")) == "! Call your child’s care team right away"
    assert "your child" not in text(adult.find("main")).lower()
    assert "your child" not in text(adult.find("footer")).lower()
    assert "your child’s care team" in text(child.find("footer"))
    assert text(child.find(class_="audience-tag")) == "For parents and caregivers"
    assert text(adult.find(class_="audience-tag")) == "For adults"


def test_no_tier_stands_empty_and_serious_claims_no_frequency(content_copy, tmp_path):
    drug = content_copy / "drugs/betanib.yaml"
    source = drug.read_text(encoding="utf-8")
    drug.write_text(source.replace("  common: [headache]\n", "  common: [headache]\n  serious: [rash]\n"))
    site = built(content_copy, tmp_path)
    titles = [text(h) for h in site.soup("adults/betanib/").select("#side-effects h3")]
    assert titles == ["Serious side effects", "Common side effects"]

    # A record may title its serious tier as its source does.
    drug.write_text(
        source.replace("  common: [headache]\n", "  common: [headache]\n  serious: [rash]\n").replace(
            "side_effects:\n", "side_effects:\n  serious_title: Less common but serious\n"
        )
    )
    site = built(content_copy, tmp_path / "again")
    titles = [text(h) for h in site.soup("adults/betanib/").select("#side-effects h3")]
    assert titles == ["Less common but serious", "Common side effects"]


def test_a_drug_with_no_listed_side_effects_says_so_once(content_copy, tmp_path):
    drug = content_copy / "drugs/betanib.yaml"
    drug.write_text(drug.read_text(encoding="utf-8").replace("  common: [headache]\n", "  common: []\n"))
    site = built(content_copy, tmp_path)
    section = site.soup("adults/betanib/").find(id="side-effects")
    assert section.find_all("h3") == []
    said = text(section)
    assert said.count("do not list side effects of this medicine in adults") == 1
    assert "Ask your care team" in said
    assert section.find("a", href="../../treatments/test-pill/")


def test_study_lines_end_with_one_full_stop(content_copy, tmp_path):
    drug = content_copy / "drugs/alphamab.yaml"
    drug.write_text(drug.read_text(encoding="utf-8").replace("people: 100 adults", "people: 100 adults."))
    site = built(content_copy, tmp_path)
    study = text(site.soup("adults/alphamab/").select_one(".studies li"))
    assert "100 adults. More people went into remission." in study
    assert ".." not in study


def test_names_read_mid_sentence_without_losing_proper_names():
    assert mid_sentence("Cytokine release syndrome (CRS)") == "cytokine release syndrome (CRS)"
    assert mid_sentence("Stevens-Johnson syndrome") == "Stevens-Johnson syndrome"
    assert mid_sentence("CRS") == "CRS"


def test_every_kind_has_a_template_and_a_distinct_address():
    templates = Path(__file__).resolve().parent.parent / "templates"
    for kind in kinds.KINDS:
        assert (templates / kind.template).is_file(), kind.name
        assert (templates / kind.index_template).is_file(), kind.name
    patterns = [k.url.split("{")[0] for k in kinds.KINDS if not k.url.startswith("{")]
    assert len(set(patterns)) == len(patterns)
    assert len({k.folder for k in kinds.KINDS}) == len(kinds.KINDS)
