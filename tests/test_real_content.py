"""The published content's shape: every drug the sources name has its pages, tiers, sources and plain words."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from conftest import PROJECT, Site, pdf_pages_text

from patientpages.checks.links import broken_links

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


def drug_pages(site: Site, folder: str) -> set[str]:
    return {p.parent.name for p in (site.out / folder).glob("*/index.html")}


def test_every_drug_the_sources_name_has_its_pages(real_site):
    _, site = real_site
    assert drug_pages(site, "adults") == DRUGS
    assert drug_pages(site, "children") == CHILD_DRUGS


def test_every_class_and_condition_has_a_page(real_site):
    _, site = real_site
    assert {p.parent.name for p in (site.out / "treatments").glob("*/index.html")} == CLASSES
    assert {p.parent.name for p in (site.out / "conditions").glob("*/index.html")} == CONDITIONS


def test_every_drug_page_shows_only_tiers_with_entries(real_site):
    # An empty tier would claim, under its heading, what the sources never said.
    _, site = real_site
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


def test_every_link_and_fragment_resolves(real_site):
    _, site = real_site
    assert broken_links(site.out) == []  # the handout PDFs included


def test_child_pages_speak_to_parents_and_adult_pages_to_the_patient(real_site):
    _, site = real_site
    for slug in CHILD_DRUGS:
        text = site.soup(f"children/{slug}/").find("main").get_text(" ").lower()
        assert text.count("your child") >= 3, slug
    for slug in DRUGS:
        text = site.soup(f"adults/{slug}/").find("main").get_text(" ").lower()
        assert "your child" not in text, slug


def test_drug_pages_read_at_grade_nine_or_below(real_site):
    result, _ = real_site
    drug_grades = {
        o: g for o, g in result.grades.items() if o.split("/")[0] in ("adults", "children") and o.count("/") == 2
    }
    assert len(drug_grades) == len(DRUGS) + len(CHILD_DRUGS)
    assert {o: g for o, g in drug_grades.items() if g is None or g > 9} == {}


def test_every_record_is_sourced_reviewed_and_due_for_review_later(real_site):
    result, _ = real_site
    content = result.graph.content
    for slug, entry in content.drugs.items():
        assert entry.record.sources and entry.record.reviewed <= dt.date.today(), slug
        assert result.graph.review_due[slug] > entry.record.reviewed
    for entries in (content.side_effects, content.conditions, content.classes):
        assert all(e.record.sources for e in entries.values())


def test_glossary_explains_the_technical_terms(real_site):
    result, site = real_site
    terms = {g.record.term for g in result.graph.content.glossary}
    assert terms >= TERMS, TERMS - terms


def test_brand_names_appear_in_the_a_to_z(real_site):
    _, site = real_site
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


# The shared tool lives in a `shared/` folder beside the checkout, or beside the folder of git worktrees.
SEED_TOOL = next(
    (p / "shared" / "tools" / "seed_overlap.py" for p in PROJECT.parents if (p / "shared" / "tools").is_dir()),
    PROJECT.parent / "shared" / "tools" / "seed_overlap.py",
)


@pytest.mark.skipif(not SEED_TOOL.exists(), reason="the shared seed_overlap tool is not beside this checkout")
def test_content_shares_no_run_of_words_with_the_sources():
    result = subprocess.run([sys.executable, str(SEED_TOOL), str(PROJECT / "content")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


# ---------- issue 9: every warning the sources give, in the right words for each reader ----------

TKIS = ("imatinib", "dasatinib", "nilotinib", "ponatinib", "bosutinib")


def _main_text(site: Site, page: str) -> str:
    return " ".join(site.soup(page).find("main").get_text(" ").split())


def _effects(site: Site, page: str) -> dict[str, str]:
    section = site.soup(page).find(id="side-effects")
    out = {}
    for tier in section.select(".tier"):
        label = tier.find(class_="reported", recursive=False)
        for li in tier.select("li"):
            text = " ".join(li.get_text(" ").split())
            out[li.a.get_text(strip=True)] = text + (" " + label.get_text(" ", strip=True) if label else "")
    return out


def _pdf(out, name: str) -> str:
    """A handout's text, whitespace collapsed."""
    return " ".join(pdf_pages_text(out / "handouts" / name))


def test_child_pages_show_the_adult_warnings_labelled(real_site):
    _, site = real_site
    ino = _effects(site, "children/inotuzumab-ozogamicin/")
    for name in ("Liver damage", "Infusion reactions", "Serious infections", "Heart rhythm changes", "High bilirubin"):
        assert "Reported in adults. Ask your child’s care team whether this applies." in ino[name], name
    blina = _effects(site, "children/blinatumomab/")
    assert "Reported in adults" in blina["Low blood cell counts"] and "Reported in adults" in blina["Tremor"]
    assert "Reported" not in blina["Cytokine release syndrome (CRS)"]


def test_adult_pages_label_what_only_the_childhood_source_reports(real_site):
    _, site = real_site
    ritux = _effects(site, "adults/rituximab/")
    assert "Reported in children. Ask your care team whether this applies to you." in ritux["Weaker immune system"]
    assert "Reported" not in ritux["Infusion reactions"]
    assert "Reported in children" in _effects(site, "adults/blinatumomab/")["Cytokine release syndrome (CRS)"]
    assert "Burkitt leukemia" in site.soup("adults/rituximab/").find(id="for-title").parent.get_text()


def test_no_page_or_handout_speaks_to_the_wrong_reader(real_site, real_with_handouts):
    result, site = real_site
    assert [str(w) for w in result.warnings] == []  # the voice, starter text, box and source rules all pass
    out = real_with_handouts[0]
    for pdf in (out / "handouts").glob("*-adult.pdf"):
        assert "your child" not in _pdf(out, pdf.name).lower(), pdf.name
    for pdf in (out / "handouts").glob("*-child.pdf"):
        text = _pdf(out, pdf.name).lower()
        assert not re.search(r"how tired you\b", text) and "you or your child" not in text, pdf.name


def test_handouts_print_every_use_and_the_help_line(real_with_handouts):
    out = real_with_handouts[0]
    blina = _pdf(out, "blinatumomab-child.pdf")
    assert "consolidation" in blina and "comes back or stops responding" in blina and "Some infants" in blina
    assert "acute lymphocytic leukemia (ALL)" in _pdf(out, "rituximab-adult.pdf")
    for pdf in (out / "handouts").glob("*.pdf"):
        assert "Help and support:" in _pdf(out, pdf.name), pdf.name
    assert "(reported in adults)" in _pdf(out, "inotuzumab-ozogamicin-child.pdf")


def test_the_help_page_is_linked_from_every_home(real_site):
    _, site = real_site
    for home in ("", "adults/", "children/"):
        assert site.soup(home).find("a", href=lambda h: h and h.endswith("help/support/")), home
    text = _main_text(site, "help/support/")
    assert "Leukemia and Lymphoma Society" in text and "CancerCare" in text and "mental health" in text


def test_tki_pages_say_they_cover_all_and_point_to_cml(real_site):
    _, site = real_site
    for slug in TKIS:
        page = site.soup(f"adults/{slug}/")
        assert "This page covers its use for ALL" in page.find("main").get_text(" "), slug
        hrefs = [a["href"] for a in page.find("main").find_all("a")]
        assert any("conditions/chronic-myeloid-leukemia/" in h for h in hrefs), slug
        assert any("treatments/tyrosine-kinase-inhibitor/" in h for h in hrefs), slug
    cml = site.soup("conditions/chronic-myeloid-leukemia/").find("main")
    assert cml.find("a", href=lambda h: h and "treatments/tyrosine-kinase-inhibitor/" in h)
    assert "JMML" in cml.get_text() and "JMML" in _main_text(site, "children/")
    assert "Chronic myeloid leukemia (CML)" in [h.get_text(strip=True) for h in site.soup("children/").select("h2")]


def test_corrections_from_the_review(real_site):
    result, site = real_site
    revumenib = _effects(site, "adults/revumenib/")
    assert "Infections" in revumenib and "Serious infections" not in revumenib
    assert "It targets menin." in _main_text(site, "adults/revumenib/")
    for slug in ("alemtuzumab", "obinutuzumab", "ofatumumab"):
        assert "more detail on what this kind of treatment" not in _main_text(site, f"adults/{slug}/"), slug
    assert "Veno-occlusive" not in _main_text(site, "side-effects/liver-damage/").split("What it is")[0]
    assert "Three antibody-drug conjugates" not in _main_text(site, "treatments/antibody-drug-conjugate/")
    for slug in TKIS:
        effects = _effects(site, f"adults/{slug}/")
        assert "Nausea" in effects and "Nausea and vomiting" not in effects and "Muscle pain" in effects, slug
    assert "staywell-all-targeted-therapy" not in result.graph.content.drugs["bosutinib"].record.sources
    for slug in ("acute-lymphocytic-leukemia", "acute-myeloid-leukemia"):
        page = site.soup(f"conditions/{slug}/").find("main")
        assert page.find("a", href=lambda h: h and "treatments/donor-lymphocyte-infusion/" in h), slug
    assert "Hairy cell leukemia (Hairy cell leukemia)" not in _main_text(site, "adults/")
    gemtuzumab = _main_text(site, "children/gemtuzumab-ozogamicin/")
    assert "Ask your care team" not in gemtuzumab
    targeted = site.soup("treatments/targeted-therapy/").find("main").get_text(" ")
    assert "28 days" in " ".join(targeted.split())


@pytest.mark.skipif(not SEED_TOOL.exists(), reason="the shared seed_overlap tool is not beside this checkout")
def test_built_pages_share_no_run_of_words_with_the_sources(real_site):
    # A note joined to a side effect's name can repeat a source where neither does alone.
    _, site = real_site
    result = subprocess.run([sys.executable, str(SEED_TOOL), str(site.out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
