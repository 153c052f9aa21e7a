"""The published content's shape: every drug the sources name has its pages, tiers, sources and plain words."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from conftest import PROJECT, Site, paths_for

from patientpages.checks.links import broken_links
from patientpages.pipeline import build

DRUGS = {
    "blinatumomab",
    "inotuzumab-ozogamicin",
    "tisagenlecleucel",
    "brexucabtagene-autoleucel",
    "rituximab",
    "gemtuzumab-ozogamicin",
    "alemtuzumab",
    "obinutuzumab",
    "ofatumumab",
    "moxetumomab-pasudotox",
    "interferon-alfa",
    "imatinib",
    "dasatinib",
    "nilotinib",
    "ponatinib",
    "bosutinib",
    "revumenib",
}
# The sources describe use in children for these only.
CHILD_DRUGS = {"blinatumomab", "inotuzumab-ozogamicin", "tisagenlecleucel", "rituximab", "gemtuzumab-ozogamicin"}
CLASSES = {
    "immunotherapy",
    "targeted-therapy",
    "monoclonal-antibody",
    "antibody-drug-conjugate",
    "bispecific-t-cell-engager",
    "car-t-cell-therapy",
    "donor-lymphocyte-infusion",
    "tyrosine-kinase-inhibitor",
    "menin-inhibitor",
    "interferon",
}
CONDITIONS = {
    "acute-lymphocytic-leukemia",
    "acute-myeloid-leukemia",
    "chronic-lymphocytic-leukemia",
    "chronic-myeloid-leukemia",
    "hairy-cell-leukemia",
}
TERMS = {
    "CD19",
    "CD20",
    "CD22",
    "CD3",
    "B cells",
    "T cells",
    "Leukapheresis",
    "Bilirubin",
    "Remission",
    "Relapse",
    "Consolidation",
}


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "site"
    result = build(paths_for(PROJECT / "content", out))
    return result, Site(out)


def drug_pages(site: Site, folder: str) -> set[str]:
    return {p.parent.name for p in (site.out / folder).glob("*/index.html")}


def test_every_drug_the_sources_name_has_its_pages(real):
    _, site = real
    assert drug_pages(site, "adults") == DRUGS
    assert drug_pages(site, "children") == CHILD_DRUGS


def test_every_class_and_condition_has_a_page(real):
    _, site = real
    assert {p.parent.name for p in (site.out / "treatments").glob("*/index.html")} == CLASSES
    assert {p.parent.name for p in (site.out / "conditions").glob("*/index.html")} == CONDITIONS


def test_every_drug_page_shows_only_tiers_with_entries(real):
    # An empty tier would claim, under its heading, what the sources never said.
    _, site = real
    for folder, slugs in (("adults", DRUGS), ("children", CHILD_DRUGS)):
        for slug in slugs:
            section = site.soup(f"{folder}/{slug}/").find(id="side-effects")
            assert section, slug
            tiers = section.find_all("section", class_="tier")
            for tier in tiers:
                assert tier.find("li"), (folder, slug, tier["id"])
            if not tiers:  # said once, plainly, with somewhere to go next
                assert "do not list side effects of this medicine" in section.get_text(), (folder, slug)
                assert section.find("a", href=lambda h: "/treatments/" in h), (folder, slug)
            assert "Our sources do not list any in this group" not in section.get_text()
            assert "Less common but serious" not in section.get_text() or slug == "inotuzumab-ozogamicin"


def test_every_link_and_fragment_resolves(real):
    _, site = real
    assert [p for p in broken_links(site.out) if ".pdf" not in p.message] == []


def test_child_pages_speak_to_parents_and_adult_pages_to_the_patient(real):
    _, site = real
    for slug in CHILD_DRUGS:
        text = site.soup(f"children/{slug}/").find("main").get_text(" ").lower()
        assert text.count("your child") >= 3, slug
    for slug in DRUGS:
        text = site.soup(f"adults/{slug}/").find("main").get_text(" ").lower()
        assert "your child" not in text, slug


def test_drug_pages_read_at_grade_nine_or_below(real):
    result, _ = real
    drug_grades = {
        o: g for o, g in result.grades.items() if o.split("/")[0] in ("adults", "children") and o.count("/") == 2
    }
    assert len(drug_grades) == len(DRUGS) + len(CHILD_DRUGS)
    assert {o: g for o, g in drug_grades.items() if g is None or g > 9} == {}


def test_every_record_is_sourced_reviewed_and_due_for_review_later(real):
    result, _ = real
    content = result.graph.content
    for slug, entry in content.drugs.items():
        assert entry.record.sources and entry.record.reviewed <= dt.date.today(), slug
        assert result.graph.review_due[slug] > entry.record.reviewed
    for entries in (content.side_effects, content.conditions, content.classes):
        assert all(e.record.sources for e in entries.values())


def test_glossary_explains_the_technical_terms(real):
    result, site = real
    terms = {g.record.term for g in result.graph.content.glossary}
    assert terms >= TERMS, TERMS - terms


def test_brand_names_appear_in_the_a_to_z(real):
    _, site = real
    names = {s.get_text(strip=True) for s in site.soup("drugs/").select(".az-name")}
    assert {
        "Blincyto",
        "Besponsa",
        "Kymriah",
        "Tecartus",
        "Rituxan",
        "Gleevec",
        "Sprycel",
        "Tasigna",
        "Iclusig",
        "Bosulif",
        "Revuforj",
        "Campath",
        "Gazyva",
        "Arzerra",
        "Lumoxiti",
    } <= names


SEED_TOOL = PROJECT.parent / "shared" / "tools" / "seed_overlap.py"


@pytest.mark.skipif(not SEED_TOOL.exists(), reason="the shared seed_overlap tool is not beside this checkout")
def test_content_shares_no_run_of_words_with_the_sources():
    result = subprocess.run([sys.executable, str(SEED_TOOL), str(PROJECT / "content")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
