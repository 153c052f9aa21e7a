"""Handout PDFs: built from the real content on A4 (the site's paper) and from the fixture content in every
edition (A4, US Letter, large print, bundles), opened with pypdf and checked for what a nurse handing one over
relies on: at most two pages, the urgent signs, the write-in lines, the footer on every page, 12 pt body text,
nothing but black and grey, and a fast rebuild that reuses the PDFs."""

from __future__ import annotations

import dataclasses
import functools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
import yaml
from conftest import FIXTURE, RealBuild, pdf_pages_text

from patientpages import handouts, render
from patientpages.errors import BuildFailed
from patientpages.handouts import cache, layout, write_handouts
from patientpages.handouts import text as handout_text
from patientpages.pipeline import Paths, build
from patientpages.views import HandoutListView

ROOT = Path(__file__).resolve().parents[1]
WRITE_IN_LABELS = ("Care team phone", "After-hours phone", "Next appointment", "Notes")
PAGE_POINTS = {"A4": (595.3, 841.9), "letter": (612.0, 792.0)}
FOOTER_TOP_PT = 35 / 25.4 * 72  # the bottom page margin, which holds the footer (handout.css)


def _paths(out: Path, content: Path = ROOT / "content", templates: Path = ROOT / "templates") -> Paths:
    return Paths(content, templates, ROOT / "static", out)


def _build(out: Path, paper: str | None = None, *, every_edition: bool = False, **kw):
    """A build with handouts: the default edition only, unless every edition (both papers, large print,
    bundles) is asked for; rendering all of them for every small test would make the suite slow."""
    extra = functools.partial(write_handouts, paper=paper, default_only=not every_edition)
    messages: list[str] = []
    result = build(_paths(out, **kw), extras=[extra], progress=messages.append)
    return result, messages


def _drug_pages(result):
    return [p for p in result.pages if p.kind == "drug"]


def _text(page: pypdf.PageObject) -> str:
    return " ".join(page.extract_text().split())


def _flat(text: str) -> str:
    return " ".join(text.split())


def urgent_signs_in_yaml(content: Path, handout: str) -> list[str]:
    """The boxed signs a handout must show, read straight from the YAML rather than from what the build
    planned: every `call_right_away` sign of the drug's urgent and serious side effects, its audience's too."""
    slug, audience = re.fullmatch(r"handouts/(.+)-(adult|child)\.pdf", handout).groups()
    drug = yaml.safe_load((content / "drugs" / f"{slug}.yaml").read_text(encoding="utf-8"))
    tiers = [drug.get("side_effects", {}), drug["audiences"][audience].get("side_effects", {})]
    signs = []
    for entry in (e for t in tiers for tier in ("urgent", "serious") for e in t.get(tier, [])):
        effect = entry if isinstance(entry, str) else entry["effect"]
        record = yaml.safe_load((content / "side-effects" / f"{effect}.yaml").read_text(encoding="utf-8"))
        worded = record.get("call_right_away", [])
        if isinstance(worded, dict):  # worded for each audience: this handout's readers' words
            worded = worded[audience]
        signs += [s for s in worded if s not in signs]
    return signs


@pytest.fixture(scope="session")
def a4(real_build):
    """The session's real site with its handouts in the site's default edition, A4, at today's URLs."""
    return real_build.site.out, real_build.result, real_build.messages


@pytest.fixture(scope="session")
def every_edition(fixture_every_edition):
    """The fixture site with every edition: A4 (its default) at today's URLs, US Letter and large print beside
    them, and the bundles. Laying out every real handout three times would take a minute of the suite."""
    return fixture_every_edition.site.out, fixture_every_edition.result, fixture_every_edition.messages


EDITION_SUFFIX = {"A4": "", "letter": "-letter"}


def _file(page, size: str = "A4", large_print: bool = False) -> str:
    """The handout of a drug page in one edition: A4 at the page's own link, Letter and large print beside it."""
    return page.view.handout.replace(".pdf", "-large-print.pdf" if large_print else f"{EDITION_SUFFIX[size]}.pdf")


@dataclasses.dataclass(frozen=True)
class Built:
    """The handouts of one paper size in one built site, and the content they were built from."""

    size: str
    site: RealBuild
    content: Path
    editions: int  # how many editions the build made

    @property
    def out(self) -> Path:
        return self.site.site.out


@pytest.fixture(scope="module", params=["A4", "letter"])
def built(request, real_build, fixture_every_edition) -> Built:
    """A4 on the real content; US Letter, the other edition, on the fixture content."""
    if request.param == "A4":
        return Built("A4", real_build, ROOT / "content", 1)
    return Built("letter", fixture_every_edition, FIXTURE, 3)


# ---------- every handout of the real content, on both paper sizes ----------


def test_a_handout_for_every_drug_page(built):
    size, out, result, editions = built.size, built.out, built.site.result, built.editions
    expected = sorted(_file(p, size) for p in _drug_pages(result))
    assert expected and set(expected) <= set(result.extra_outputs)
    suffix = EDITION_SUFFIX[size]
    found = sorted(str(p.relative_to(out)) for p in (out / "handouts").glob(f"*-adult{suffix}.pdf"))
    found += sorted(str(p.relative_to(out)) for p in (out / "handouts").glob(f"*-child{suffix}.pdf"))
    assert sorted(found) == expected
    assert all(re.fullmatch(rf"handouts/[a-z0-9-]+-(adult|child){suffix}\.pdf", e) for e in expected)
    counted = f"{len(expected) * editions} PDFs in {editions} edition{'s' if editions > 1 else ''} (A4 default"
    assert any(counted in m for m in built.site.messages), built.site.messages


def test_at_most_two_pages_of_the_chosen_paper(built):
    size, out, result = built.size, built.out, built.site.result
    for page in _drug_pages(result):
        pdf = pypdf.PdfReader(out / _file(page, size))
        assert 1 <= len(pdf.pages) <= 2, f"{_file(page, size)} on {size}: {len(pdf.pages)} pages"
        for p in pdf.pages:
            width, height = float(p.mediabox.width), float(p.mediabox.height)
            assert (round(width, 1), round(height, 1)) == pytest.approx(PAGE_POINTS[size], abs=0.2)


def test_the_words_a_nurse_relies_on(built):
    size, out, result = built.size, built.out, built.site.result
    site = result.graph.content.site.record
    for page in _drug_pages(result):
        view, name = page.view, _file(page, size)
        pages = pdf_pages_text(out / name)
        text = " ".join(pages)
        assert view.drug.generic_name in pages[0], name
        for brand in view.drug.brand_names:
            assert brand in pages[0], name
        urgent_signs = urgent_signs_in_yaml(built.content, page.view.handout)
        for sign in urgent_signs:
            assert _flat(sign) in text, f"{name}: urgent sign {sign!r} missing"
        if not urgent_signs:
            assert "Any sign that worries you, or any side effect that is new or getting worse" in text, name
        for label in WRITE_IN_LABELS:
            assert label in text, f"{name}: write-in {label!r} missing"
        for number, page_text in enumerate(pages, 1):  # the footer is on every page
            assert site.base_url + page.url in page_text, f"{name} page {number}: no address"
            assert f"page {number} of {len(pages)}" in page_text, f"{name} page {number}: no page count"
            assert "Last reviewed:" in page_text
            for source in view.sources:
                assert _flat(source.title) in page_text, f"{name} page {number}: source missing"
        assert "page 1 of" in text


def test_sections_come_in_order_and_speak_to_the_audience(built):
    size, out, result = built.size, built.out, built.site.result
    for page in _drug_pages(result):
        text = " ".join(pdf_pages_text(out / _file(page, size)))
        child = page.audience.slug == "child"
        order = [
            page.view.drug.generic_name,
            "What it is for",
            "Call your child’s care team right away" if child else "Call your care team right away",
            "How your child gets it" if child else "How you get it",
            *(["Common side effects and what helps"] if page.view.tier("common") else []),
            "Your child’s care team" if child else "Your care team",
        ]
        at = 0
        for heading in order:  # each found after the one before it
            at = text.find(heading, at)
            assert at >= 0, f"{page.view.handout}: {heading!r} missing or out of order"
        assert ("For parents and caregivers" in text) is child


def _font_sizes(path: Path) -> tuple[list, list]:
    """(body, footer): the size in pt of every run of text, split at the top of the footer."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
            y = tm[5] * cm[3] + cm[5]
            sizes.append((round(size * scale, 1), y, text))

    for p in pypdf.PdfReader(path).pages:
        p.extract_text(visitor_text=visit)
    return [(s, t) for s, y, t in sizes if y > FOOTER_TOP_PT], [(s, t) for s, y, t in sizes if y <= FOOTER_TOP_PT]


def test_body_text_is_at_least_12_pt(built):
    size, out, result = built.size, built.out, built.site.result
    for page in _drug_pages(result)[::3]:  # a sample; every handout shares one stylesheet
        body, footer = _font_sizes(out / _file(page, size))
        # Labels drawn inside the treatment picture scale with it; the picture's desc says them in words.
        drawn = {m.text for m in page.view.picture.marks} if page.view.picture else set()
        body = [(s, t) for s, t in body if t.strip() not in drawn]
        assert body and min(s for s, _ in body) >= 12, [b for b in body if b[0] < 12][:3]
        assert footer and min(s for s, _ in footer) >= 10


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is not installed")
def test_black_and_white_only(a4):
    """Nothing is carried by colour: every pixel of a rendered page is a shade of grey."""
    out, result, _ = a4
    for page in _drug_pages(result)[:4]:
        ppm = subprocess.run(
            ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(out / page.view.handout)],
            check=True,
            capture_output=True,
        ).stdout
        magic, width, height, maxval, pixels = ppm.split(maxsplit=4)
        assert magic == b"P6" and maxval == b"255"
        colours = {pixels[i : i + 3] for i in range(0, int(width) * int(height) * 3, 3)}
        assert all(c[0] == c[1] == c[2] for c in colours), page.view.handout


def test_footer_qr_code_is_embedded_not_fetched(a4):
    out, result, _ = a4
    page = _drug_pages(result)[0]
    html = handouts.render_html(render.environment(ROOT / "templates"), page, result)["regular", "none"]
    assert 'src="data:image/svg+xml,' in html
    assert not re.search(r'(src|href)="(?!data:|https://leukemia-medicines\.example\.org/)', html)
    assert "<link" not in html and "@import" not in (ROOT / "templates" / layout.STYLESHEET).read_text()


def test_pdf_metadata_comes_from_the_record(a4):
    out, result, _ = a4
    page = _drug_pages(result)[0]
    meta = pypdf.PdfReader(out / page.view.handout).metadata
    reviewed = page.view.drug.reviewed.strftime("D:%Y%m%d")
    assert meta["/CreationDate"] == meta["/ModDate"] == reviewed
    assert page.view.drug.generic_name in meta["/Title"]


def test_urgent_box_lists_exactly_the_signs_of_the_fixture_records(tmp_path):
    """Written out by hand from tests/fixtures/content: crs.yaml's two signs for alphamab's urgent tier, plus
    low-blood-pressure.yaml's for children; betanib has no urgent or serious effect, so the box says what to
    watch for in general."""
    expected = {
        "alphamab-adult": "High fever or chills Trouble breathing",
        "alphamab-child": "High fever or chills Trouble breathing Feeling faint or dizzy",
        "betanib-adult": "Any sign that worries you, or any side effect that is new or getting worse.",
    }
    _build(tmp_path / "site", content=FIXTURE)
    boxed = {}
    for name in expected:
        text = " ".join(pdf_pages_text(tmp_path / "site" / "handouts" / f"{name}.pdf"))
        box = re.search(
            r"right away if (?:you have|your child has): (.*?) (?:What these signs can mean|At night)", text
        )
        boxed[name] = box and box.group(1)
    assert boxed == expected


# ---------- reuse and reproducibility ----------


def test_second_build_reuses_every_pdf(every_edition, monkeypatch):
    first, result, _ = every_edition
    before = {name: (first / name).read_bytes() for name in result.extra_outputs}
    pdfs = [name for name in before if name.endswith(".pdf") and "/bundles/" not in name]

    def no_rendering(*args, **kwargs):
        raise AssertionError("a handout was rendered again although nothing changed")

    monkeypatch.setattr(handouts, "fit", no_rendering)
    again_out = first.with_name("site-again")  # beside the shared site, so it shares the handout cache
    _, messages = _build(again_out, every_edition=True, content=FIXTURE)
    assert any(f"0 laid out, {len(pdfs)} reused from cache, 0 unchanged" in m for m in messages), messages
    handout_files = [name for name in before if name.startswith("handouts/")]
    assert {name: (again_out / name).read_bytes() for name in handout_files} == {
        name: before[name] for name in handout_files
    }
    again, messages = _build(again_out, every_edition=True, content=FIXTURE)  # again: the build cache knows it all
    assert any(f"0 laid out, 0 reused from cache, {len(pdfs)} unchanged" in m for m in messages), messages
    # Each page counted once in the report: the handout lists, rendered again with their PDFs' page counts, as
    # rendered and not also as reused.
    assert (again.rendered, again.reused) == (2, len(again.pages) - 2)
    assert {name: (again_out / name).read_bytes() for name in handout_files} == {
        name: before[name] for name in handout_files
    }


def test_rendering_again_gives_the_same_bytes(a4):
    """No dates from the clock, no random file identifier: the same content makes the same PDF."""
    out, result, messages = a4
    env = render.environment(ROOT / "templates")
    css = (ROOT / "templates" / layout.STYLESHEET).read_text(encoding="utf-8")
    paths = _paths(out)
    fetcher = layout.local_only_fetcher([paths.templates])
    # Three that fit in the roomiest layout at once: one laid out set tighter takes several tries to make.
    tighter = " ".join(m for m in messages if "set tighter" in m)
    roomy = [p for p in _drug_pages(result) if p.view.handout.removeprefix("handouts/") not in tighter]
    for page in roomy[:3]:
        html = handouts.render_html(env, page, result)
        fitted = layout.fit(html, css, "A4", paths, fetcher)
        assert fitted.pdf == (out / page.view.handout).read_bytes(), page.view.handout


def test_cache_key_covers_what_shapes_the_pdf():
    html = {layout: f"<p>{layout}</p>" for layout in layout.LAYOUTS}
    key = cache.cache_key(html, "p {}", "A4")
    assert key == cache.cache_key(dict(html), "p {}", "A4")
    assert key != cache.cache_key(html, "p {}", "letter")
    assert key != cache.cache_key(html, "p { color: #000 }", "A4")
    assert key != cache.cache_key({**html, "tight": "<p>changed</p>"}, "p {}", "A4")


# ---------- a tiny site: clinic details, long content, no network ----------


def _tiny_content(tmp: Path, drugs=("blinatumomab", "gemtuzumab-ozogamicin")) -> Path:
    content = tmp / "content"
    # Narratives of conditions and classes link to drugs this tiny site may not have: leave them out.
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("drugs", "*.md"))
    (content / "drugs").mkdir()
    for slug in drugs:
        for path in (ROOT / "content" / "drugs").glob(f"{slug}.*"):
            shutil.copy(path, content / "drugs" / path.name)
    return content


def test_clinic_details_printed_when_set(tmp_path):
    # The fixture content: three short handouts, both audiences, one without urgent signs of its own.
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    with (content / "site.yaml").open("a", encoding="utf-8") as site:
        site.write("clinic:\n  name: Example Cancer Centre\n  phone: 555-0100\n  after_hours_phone: 555-0199\n")
    result, _ = _build(tmp_path / "site", content=content)
    assert result.graph.content.site.record.clinic.phone == "555-0100"
    assert len(_drug_pages(result)) == 3
    for page in _drug_pages(result):
        text = " ".join(pdf_pages_text(tmp_path / "site" / page.view.handout))
        assert "Example Cancer Centre" in text
        assert "Care team phone 555-0100" in text and "After-hours phone 555-0199" in text
        assert "Care team: 555-0100" in text  # in the urgent box too, where it is needed
        assert "Write the numbers in" not in text


def test_blank_lines_when_clinic_not_set(a4):
    out, result, _ = a4
    assert result.graph.content.site.record.clinic.phone is None
    page = _drug_pages(result)[0]
    text = " ".join(pdf_pages_text(out / page.view.handout))
    assert "Write the numbers in at the end of this sheet" in text


LONG_DRUG = """\
generic_name: Longamab
brand_names: [Longa]
class: monoclonal-antibody
what_it_is: A made-up medicine with a lot to say, to test that handouts fit.
how_it_works: It does not work; it is a test.
how_given:
  route: Into a vein (IV)
  schedule: {schedule}
  setting: A hospital.
  what_to_expect:
{expect}
audiences:
  adult:
    used_for: Testing. It is used for testing. That means it is not real. It is also for tests.
    conditions: [acute-lymphocytic-leukemia]
side_effects:
  urgent: [cytokine-release-syndrome, nervous-system-problems, infusion-reactions, differentiation-syndrome]
  serious: [low-blood-counts, serious-infections, heart-rhythm-changes, liver-damage]
  common: [fever, headache, swelling, nausea-and-vomiting, tremor, rash-and-itching, constipation, diarrhea,
           tiredness, belly-pain]
reviewed: 2026-01-15
sources: [acs-all-immunotherapy-adults]
"""


LONG_POINTS = 5  # the regular layout runs to three pages on both sizes; the dense one fits on two


def _long_drug(content: Path, points: int, sentence_repeats: int = 3) -> None:
    point = " ".join(["The nurse checks how you are doing and writes it down in your chart."] * sentence_repeats)
    expect = "\n".join(f"    - Step {n}. {point}" for n in range(1, points + 1))
    schedule = " ".join(["One drip each week for four weeks."] * 3)
    (content / "drugs" / "longamab.yaml").write_text(
        LONG_DRUG.format(expect=expect, schedule=schedule), encoding="utf-8"
    )


def _page_two(pages: tuple[str, ...]) -> str:
    """Which page-2 material a built handout holds, by the headings a reader sees (layout.EXTRAS' names)."""
    text = " ".join(pages)
    diary, questions = "Side-effect diary" in text, "My questions" in text
    return {(True, True): "diary-questions", (True, False): "diary", (False, True): "questions"}.get(
        (diary, questions), "none"
    )


def assert_roomiest_with_the_most(html: dict[tuple[str, str], str], chosen: tuple[str, str], size: str) -> None:
    """The fitting rule checked the slow way, by WeasyPrint directly rather than by layout.fit: the next roomier
    layout does not fit the handout alone on two pages (the ones before it are roomier still: each layout keeps
    the rules of the ones before and sets the text tighter), and no fuller page 2 fits in the layout chosen."""
    import weasyprint

    css = (ROOT / "templates" / layout.STYLESHEET).read_text(encoding="utf-8")
    base = str(ROOT / "templates") + "/"
    sheets = [weasyprint.CSS(string=css, base_url=base), weasyprint.CSS(string=f"@page {{ size: {size}; }}")]

    def pages(key: tuple[str, str]) -> int:
        return len(weasyprint.HTML(string=html[key], base_url=base).render(stylesheets=sheets).pages)

    chosen_layout, chosen_extra = chosen
    names = [e.name for e in layout.EXTRAS]
    if chosen_layout != layout.LAYOUTS[0]:
        roomier = layout.LAYOUTS[layout.LAYOUTS.index(chosen_layout) - 1]
        assert pages((roomier, "none")) > 2, f"{roomier} fits: {chosen} is not the roomiest"
    for fuller in names[: names.index(chosen_extra)]:
        assert pages((chosen_layout, fuller)) > 2, f"{fuller} fits in {chosen_layout}: {chosen} left it out"


def test_the_layout_is_the_roomiest_that_fits_with_the_most_page_two_material(a4):
    """Fitting skips renders whose outcome it can foresee; what it picks must still be what trying every
    layout and every page 2 would pick. A real handout whose page 2 could not hold everything."""
    out, result, messages = a4
    env = render.environment(ROOT / "templates")
    tighter = " ".join(m for m in messages if "set tighter" in m)
    for page in _drug_pages(result):
        name = page.view.handout
        extra = _page_two(pdf_pages_text(out / name))
        if extra != "diary-questions" and name.removeprefix("handouts/") not in tighter:
            assert_roomiest_with_the_most(handouts.render_html(env, page, result), ("regular", extra), "A4")
            return
    pytest.fail("no real handout left page-2 material out: pick another shape of handout")


def test_long_content_is_set_tighter_not_cut(tmp_path):
    content = _tiny_content(tmp_path, drugs=())
    _long_drug(content, points=LONG_POINTS)
    out = tmp_path / "site"
    for size in ("A4", "letter"):
        result, messages = _build(out, size, content=content)
        assert any("set tighter to fit" in m and "longamab-adult.pdf (dense)" in m for m in messages), messages
        page = _drug_pages(result)[0]
        pdf = pypdf.PdfReader(out / page.view.handout)
        assert len(pdf.pages) <= 2
        if size == "A4":
            chosen = ("dense", _page_two(pdf_pages_text(out / page.view.handout)))
            html = handouts.render_html(render.environment(ROOT / "templates"), page, result)
            assert_roomiest_with_the_most(html, chosen, size)
        text = " ".join(_text(p) for p in pdf.pages)
        urgent_signs = urgent_signs_in_yaml(content, page.view.handout)
        assert len(urgent_signs) > 8
        for sign in urgent_signs:
            assert _flat(sign) in text
        assert f"Step {LONG_POINTS}. The nurse checks" in text
        assert "That means it is not real. It is also for tests." in text  # every use, never cut
        assert all(_text(p) for p in pdf.pages)


def test_content_too_long_for_two_pages_fails_the_build(tmp_path):
    content = _tiny_content(tmp_path, drugs=())
    _long_drug(content, points=14, sentence_repeats=5)
    with pytest.raises(BuildFailed) as failed:
        _build(tmp_path / "site", content=content)
    message = str(failed.value)
    assert "longamab.yaml" in message and "even in its most compact layout" in message
    assert not (tmp_path / "site").exists()  # the last good site is left as it was


def test_handout_may_not_fetch_from_the_network(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    handout = templates / "handout.html"
    handout.write_text(
        handout.read_text(encoding="utf-8").replace(
            "</body>", '<img src="https://tracker.example.com/pixel.png" alt="">\n</body>'
        ),
        encoding="utf-8",
    )
    content = _tiny_content(tmp_path, drugs=("gemtuzumab-ozogamicin",))
    with pytest.raises(BuildFailed) as failed:
        _build(tmp_path / "site", content=content, templates=templates)
    assert "https://tracker.example.com/pixel.png" in str(failed.value)


def test_fetcher_serves_only_data_and_local_files(tmp_path):
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    fetcher = layout.local_only_fetcher([tmp_path])
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    assert fetcher.fetch((tmp_path / "logo.svg").as_uri()).read().startswith(b"<svg")
    for url in (
        "https://example.com/x.png",
        "http://127.0.0.1/x",
        "ftp://example.com/x",
        (tmp_path.parent / "elsewhere.png").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


# ---------- the words themselves ----------


def test_sentences_are_never_cut():
    assert handout_text.sentences("Take e.g. two pills. Then rest (ALL). 3 more.") == [
        "Take e.g. two pills.",
        "Then rest (ALL).",
        "3 more.",
    ]


def test_what_helps_is_short_and_about_this_drug():
    heart = (
        "With revumenib, the doctor checks blood mineral levels and does EKGs before and during "
        "treatment. An EKG is a test of the heart's rhythm. Tell the care team about every medicine "
        "and supplement you take, because some can change how targeted therapy drugs work."
    )
    assert handout_text.helps(heart, ["revumenib"]).startswith("Tell the care team about every medicine")
    assert handout_text.helps(heart, []).startswith("With revumenib")
    infusion = (
        "Medicines are often given before each infusion to lower the chance of a reaction. During the "
        "infusion, tell the nurse or care team right away if any of these signs start."
    )
    assert "these signs" not in handout_text.helps(infusion, [])
    assert len(handout_text.helps("A short one. " * 20, [])) <= handout_text.HELPS_CHARS


def test_paper_sizes():
    assert handouts.paper_size("a4") == "A4" and handouts.paper_size("Letter") == "letter"
    with pytest.raises(ValueError):
        handouts.paper_size("legal")


# ---------- page 2, large print, the handout lists, bundles ----------


@pytest.mark.parametrize("size", ["A4", "letter"])
def test_page_two_holds_a_diary_and_questions_where_they_fit(size, a4, every_edition):
    out, result, _ = a4 if size == "A4" else every_edition
    with_diary = 0
    for page in _drug_pages(result):
        name = _file(page, size)
        pages = pdf_pages_text(out / name)
        text = " ".join(pages)
        assert len(pages) <= 2, name
        if "Side-effect diary" not in text:
            continue
        with_diary += 1
        diary = text[text.index("Side-effect diary") :]
        # Two weeks of days, a row for each common side effect, and rows for any others.
        assert " ".join(str(day) for day in range(1, 15)) in diary, name
        common = page.view.tier("common")
        for effect in common.effects if common else ():
            assert _flat(effect.name).lower() in diary.lower(), f"{name}: no diary row for {effect.name}"
        assert "Other:" in diary and "Date of day 1" in diary
        assert "Side-effect diary" in pages[-1]  # never split from its grid on another page
    assert with_diary >= 2  # the shorter handouts have room for one


def test_large_print_is_16_pt_and_at_most_four_pages(every_edition):
    out, result, _ = every_edition
    for page in _drug_pages(result):
        name = _file(page, large_print=True)
        pages = pdf_pages_text(out / name)
        assert 1 <= len(pages) <= 4, name
        assert page.view.drug.generic_name in pages[0]
        for sign in page.view.urgent_signs:
            assert _flat(sign) in " ".join(pages), f"{name}: urgent sign {sign!r} missing"
        assert f"page {len(pages)} of {len(pages)}" in pages[-1]
    for page in _drug_pages(result):
        body, _ = _font_sizes(out / _file(page, large_print=True))
        drawn = {m.text for m in page.view.picture.marks} if page.view.picture else set()
        body = [(s, t) for s, t in body if t.strip() not in drawn]
        assert min(s for s, _ in body) >= 16, [b for b in body if b[0] < 16][:3]


def _handout_list(out: Path, audience: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup((out / f"handouts/{audience}/index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("audience", ["adults", "children"])
def test_the_handout_list_offers_both_papers_and_large_print_with_page_counts(every_edition, audience):
    out, result, _ = every_edition
    items = _handout_list(out, audience).select(".handout-list > li")
    pages = [p for p in _drug_pages(result) if p.audience.people == audience]
    assert len(items) == len(pages) >= 1
    for item in items:
        links = item.select("a")
        assert [a.text.split(" (")[0] for a in links] == ["A4", "US Letter", "Large print, A4"]
        for a in links:
            pdf = (out / f"handouts/{audience}" / a["href"]).resolve()
            count = len(pypdf.PdfReader(pdf).pages)
            assert f"PDF, {count} page" in a.text, (a["href"], a.text)
        assert item.find("time")["datetime"].startswith("20")


def test_the_real_handout_lists_offer_every_edition_a_full_build_makes(a4, every_edition):
    """The shared real build makes the default edition only, and its lists offer only what it made. What a full
    build lists for the real content is each drug page in all three editions and a bundle per kind of treatment;
    the fixture's full build (above) shows that every edition listed is made and linked."""
    out, result, _ = a4
    lists = {p.view.audience.people: p.view for p in result.pages if isinstance(p.view, HandoutListView)}
    assert sorted(lists) == ["adults", "children"]
    for audience, view in lists.items():
        drug_pages = [p for p in _drug_pages(result) if p.audience.people == audience]
        pages = sorted(p.view.handout for p in drug_pages)
        assert sorted(f.url for i in view.items for f in i.files) == sorted(
            pdf.replace(".pdf", suffix) for pdf in pages for suffix in (".pdf", "-letter.pdf", "-large-print.pdf")
        )
        # A bundle for each kind of treatment these drugs are, and each kind that one is part of.
        classes = {c for p in drug_pages for c in _class_chain(yaml_record("drugs", p.view.slug)["class"])}
        expected_bundles = sorted(f"handouts/bundles/{c}-{view.audience.slug}.pdf" for c in classes)
        assert sorted(f.url for f in view.bundles) == expected_bundles
        # This build made the A4 handouts only: its page offers them, and no file it did not make.
        hrefs = [a["href"] for a in _handout_list(out, audience).select(".handout-list a")]
        made = sorted((out / f"handouts/{audience}" / h).resolve() for h in hrefs)
        assert made == [(out / p).resolve() for p in pages]


def yaml_record(folder: str, slug: str) -> dict:
    return yaml.safe_load((ROOT / "content" / folder / f"{slug}.yaml").read_text(encoding="utf-8"))


def _class_chain(slug: str | None) -> list[str]:
    """A kind of treatment and every kind it is `part_of`, read from the class records."""
    chain = []
    while slug:
        chain.append(slug)
        slug = yaml_record("classes", slug).get("part_of")
    return chain


def test_bundles_hold_every_handout_of_a_kind_of_treatment(every_edition):
    """In the fixture, alphamab (test-antibody) and betanib (test-pill) are both kinds of test-therapy."""
    out, result, _ = every_edition
    adult = sorted((p for p in _drug_pages(result) if p.audience.slug == "adult"), key=lambda p: p.view.slug)
    bundle = pypdf.PdfReader(out / "handouts/bundles/test-therapy-adult.pdf")
    parts = [pypdf.PdfReader(out / p.view.handout) for p in adult]
    assert len(adult) == 2 and len(bundle.pages) == sum(len(r.pages) for r in parts)
    text = " ".join(_text(p) for p in bundle.pages)
    assert all(p.view.drug.generic_name in text for p in adult)
    assert "Alphamab, for parents and caregivers" not in text  # one audience per bundle
    soup_text = (out / "handouts/adults/index.html").read_text(encoding="utf-8")
    assert 'handouts/bundles/test-therapy-adult.pdf"' in soup_text


def test_handouts_show_the_treatment_picture(a4):
    out, result, _ = a4
    page = next(p for p in _drug_pages(result) if p.url == "adults/blinatumomab/")
    text = " ".join(pdf_pages_text(out / page.view.handout))
    assert "Drip runs day and night" in text and "One cycle of blinatumomab" in text


# ---------- a clinic's own set, from the command line ----------


def test_clinic_command_writes_every_handout_with_the_clinics_details(tmp_path):
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text("name: Riverside Children's Clinic\nphone: 555-0142\nafter_hours_phone: 555-0143\n")
    out = tmp_path / "riverside"
    run = subprocess.run(
        [sys.executable, "build.py", "handouts", "--clinic", str(clinic), "--out", str(out), "--content", str(FIXTURE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert "handouts/alphamab-child.pdf" in pdfs and "handouts/betanib-adult-letter.pdf" in pdfs
    assert "handouts/alphamab-child-large-print.pdf" in pdfs
    for pdf in pdfs:
        text = " ".join(_text(p) for p in pypdf.PdfReader(out / pdf).pages)
        assert "Riverside Children's Clinic" in text and "555-0142" in text and "555-0143" in text, pdf
    assert not (out / "index.html").exists()  # handouts only, no site


def test_clinic_command_reports_a_bad_clinic_file_at_its_line(tmp_path):
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text("name: Riverside\nphone: 555-0142\nafter_hour_phone: 555-0143\n")
    out = tmp_path / "riverside"
    run = subprocess.run(
        [sys.executable, "build.py", "handouts", "--clinic", str(clinic), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert f"{clinic}:3:1: unknown field 'after_hour_phone' (did you mean 'after_hours_phone'?)" in run.stderr
    assert "Traceback" not in run.stderr and not out.exists()
