"""The content model's rules for warnings and voice, read as a reader or an editor meets them: side effects
reported in one audience labelled on the other's pages and handouts, per-audience side-effect wording, uses
never cut on a handout, the help page, drafts, `build.py new` for every kind, and the four `check` warnings
(errors under --strict), each through a built page, a handout PDF or the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE, Site, once_per_run, paths_for, pdf_pages_text

from patientpages.cli import main
from patientpages.errors import BuildFailed
from patientpages.handouts import write_handouts
from patientpages.pipeline import build

CHILD_LABEL = "Reported in adults. Ask your child’s care team whether this applies."
ADULT_LABEL = "Reported in children. Ask your care team whether this applies to you."


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def built(content: Path, tmp_path: Path) -> Site:
    out = tmp_path / "site"
    build(paths_for(content, out))
    return Site(out)


def pdf_text(path: Path) -> str:
    return " ".join(pdf_pages_text(path))


def tier_items(site: Site, page: str) -> dict[str, str]:
    """Each side-effect entry's name -> the whole text of its list item."""
    section = site.soup(page).find(id="side-effects")
    return {li.a.get_text(strip=True): " ".join(li.get_text(" ").split()) for li in section.select(".tier li")}


# ---------- one fixture site, edited the way an editor would, built once with its handouts ----------

LONG_USE = (
    "Some kinds of test leukemia in adults. It is used first. It is also used later. "
    "It is also used for a second kind of leukemia."
)


def add_help_page(content: Path) -> None:
    (content / "help").mkdir()
    (content / "help/support.yaml").write_text(
        "title: Help and support\nsummary: Where to find support.\nreviewed: 2026-11-01\nsources: [doc-one]\n"
    )
    (content / "help/support.md").write_text("## Support groups\n\nAsk the care team.\n")


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Site:
    """Built once per test run (both workers may run this module's tests); tests only read it."""
    return once_per_run(tmp_path_factory, "rules", _edited_and_built)


def _edited_and_built(folder: Path) -> Site:
    content = folder / "content"
    shutil.copytree(FIXTURE, content)
    drug = content / "drugs/alphamab.yaml"
    # Rash was reported in adults only; CRS in children only.
    replace(
        drug,
        "{effect: headache, note: often mild}]",
        "{effect: headache, note: often mild}, {effect: rash, reported_in: adults}]",
    )
    replace(drug, "urgent: [crs]", "urgent: [{effect: crs, reported_in: children}]")
    replace(drug, "used_for: Some kinds of test leukemia in adults.", f"used_for: {LONG_USE}")
    replace(
        content / "drugs/betanib.yaml",
        "used_for: Test leukemia with a gene change.",
        "used_for: Test leukemia with a gene change. One. Two. Three, a second leukemia.\n"
        "    handout_summary: Test leukemia with a gene change, and a second leukemia.",
    )
    replace(
        content / "side-effects/fever.yaml",
        "what_to_do: Tell your care team.",
        "what_to_do:\n  adult: Tell your care team how hot you feel.\n"
        "  child: Tell the care team how hot your child feels.",
    )
    replace(
        content / "side-effects/crs.yaml",
        "call_right_away: [High fever or chills, Trouble breathing]",
        "call_right_away:\n  adult: [You have a high fever]\n  child: [Your child has a high fever]",
    )
    add_help_page(content)
    out = content.parent / "site"
    build(paths_for(content, out), extras=[write_handouts])
    return Site(out)


def handout(site: Site, name: str) -> str:
    return pdf_text(site.out / "handouts" / f"{name}.pdf")


def box(site: Site, page: str) -> str:
    return " ".join(site.soup(page).find(class_="call-now").get_text(" ").split())


# ---------- reported_in: a warning from one audience's source, labelled on the other's page ----------


def test_an_effect_reported_in_adults_shows_labelled_on_the_child_page_and_handout(edited):
    child, adult = tier_items(edited, "children/alphamab/"), tier_items(edited, "adults/alphamab/")
    assert CHILD_LABEL in child["Rash"]
    assert "Reported" not in adult["Rash"] and "Reported" not in child["Fever"]
    assert CHILD_LABEL in handout(edited, "alphamab-child")
    assert "Reported in adults" not in handout(edited, "alphamab-adult")
    # The side effect's own page says which listing comes from the other audience's source.
    lists = edited.soup("side-effects/rash/").find(id="drugs-title").parent.find_all("li")
    assert [" ".join(li.get_text(" ").split()) for li in lists] == [
        "Alphamab (Alphavo) – Test antibodies",
        "Alphamab (Alphavo; reported in adults) – Test antibodies",
    ]


def test_an_urgent_effect_reported_in_children_is_boxed_and_labelled_on_the_adult_page(edited):
    assert ADULT_LABEL in box(edited, "adults/alphamab/") and "You have a high fever" in box(edited, "adults/alphamab/")
    assert "Reported" not in box(edited, "children/alphamab/")
    assert "You have a high fever (reported in children)" in handout(edited, "alphamab-adult")


def test_reported_in_takes_only_adults_or_children(content_copy, tmp_path):
    replace(content_copy / "drugs/alphamab.yaml", "urgent: [crs]", "urgent: [{effect: crs, reported_in: adult}]")
    with pytest.raises(BuildFailed) as failed:
        build(paths_for(content_copy, tmp_path / "site"))
    assert any(
        "alphamab.yaml:29:39: 'side_effects.urgent[0].reported_in': Input should be 'adults' or 'children'" in str(p)
        for p in failed.value.problems
    )


# ---------- per-audience side-effect wording ----------


def test_side_effect_text_worded_per_audience_reaches_each_reader(edited):
    adult_box, child_box = box(edited, "adults/alphamab/"), box(edited, "children/alphamab/")
    assert "You have a high fever" in adult_box and "your child" not in adult_box.lower()
    assert "Your child has a high fever" in child_box and "You have" not in child_box
    adult_pdf, child_pdf = handout(edited, "alphamab-adult"), handout(edited, "alphamab-child")
    assert "how hot you feel" in adult_pdf and "your child feels" not in adult_pdf
    assert "how hot your child feels" in child_pdf and "you feel" not in child_pdf
    # The side-effect page serves both readers: each wording once, saying whom it is for.
    do = " ".join(edited.soup("side-effects/fever/").find(id="do-title").parent.get_text(" ").split())
    assert "For adults: Tell your care team how hot you feel." in do
    assert "For parents and caregivers: Tell the care team how hot your child feels." in do


# ---------- handouts never cut a use ----------


def test_the_handout_prints_every_use_or_the_records_own_summary(edited):
    assert "It is also used for a second kind of leukemia." in handout(edited, "alphamab-adult")
    betanib = handout(edited, "betanib-adult")
    assert "Test leukemia with a gene change, and a second leukemia." in betanib
    assert "One. Two." not in betanib
    # The web page keeps the full text.
    assert "Three, a second leukemia." in edited.soup("adults/betanib/").find(id="for-title").parent.get_text()


# ---------- the help and support page ----------


def test_the_help_page_is_linked_from_every_home_and_named_on_every_handout(edited):
    for home in ("", "adults/", "children/"):
        hrefs = [a["href"] for a in edited.soup(home).find("main").find_all("a")]
        assert any(h.endswith("help/support/") for h in hrefs), home
    assert edited.soup("help/support/").find("h1").get_text() == "Help and support"
    pdfs = list((edited.out / "handouts").glob("*.pdf"))
    assert len(pdfs) == 3 * 3  # three drug pages, each on A4, on Letter and in large print
    for pdf in pdfs:
        line = "Help and support: Where to find support. Online: https://test.example.org/help/support/"
        # Large print may wrap the address after its https://, which the text extraction makes a space.
        assert line in pdf_text(pdf).replace("https:// ", "https://"), pdf.name


# ---------- drafts ----------


def test_a_draft_is_checked_but_never_published(content_copy, tmp_path):
    replace(content_copy / "drugs/alphamab.adult.md", "[betanib](drug:betanib)", "betanib")
    replace(content_copy / "drugs/betanib.yaml", "generic_name: Betanib", "draft: true\ngeneric_name: Betanib")
    site = built(content_copy, tmp_path)
    assert not (site.out / "adults/betanib").exists()
    assert "Betanib" not in site.soup("drugs/").get_text() and "Betavec" not in site.soup("drugs/").get_text()
    assert "Betanib" not in site.soup("side-effects/headache/").get_text()
    # Still checked: a mistake in a draft fails the build with its place.
    replace(content_copy / "drugs/betanib.yaml", "common: [headache]", "common: [headace]")
    with pytest.raises(BuildFailed) as failed:
        build(paths_for(content_copy, tmp_path / "other"))
    assert any(
        str(p).endswith(
            "betanib.yaml:14:12: no side effect 'headace' in content/side-effects/; did you mean 'headache'?"
        )
        for p in failed.value.problems
    ), failed.value.problems


def test_a_published_record_may_not_point_at_a_draft(content_copy, tmp_path):
    replace(content_copy / "side-effects/fever.yaml", "name: Fever", "draft: true\nname: Fever")
    with pytest.raises(BuildFailed) as failed:
        build(paths_for(content_copy, tmp_path / "site"))
    assert any("alphamab.yaml" in str(p) and "'fever' is a draft" in str(p) for p in failed.value.problems)


# ---------- build.py new, for every kind ----------


@pytest.mark.parametrize(
    ("kind", "folder", "must_fill"),
    [
        (
            "drug",
            "drugs",
            [
                "'class' should be text",
                "'how_given.route' should be text",
                "'reviewed' should be a date",
                "'sources' needs",
            ],
        ),
        ("side-effect", "side-effects", ["'sources' needs"]),
        ("condition", "conditions", ["'short_name' should be text", "'sources' needs"]),
        ("class", "classes", ["'sources' needs"]),
    ],
)
def test_new_writes_a_starter_for_every_kind_with_nothing_to_keep_by_accident(
    kind, folder, must_fill, content_copy, capsys
):
    assert main(["new", kind, "gamma-thing", "--content", str(content_copy)]) == 0
    assert (content_copy / folder / "gamma-thing.yaml").is_file()
    capsys.readouterr()
    assert main(["check", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    for message in must_fill:
        assert any(f"{folder}/gamma-thing.yaml:" in line and message in line for line in err.splitlines()), message


# ---------- the four warnings of `check` ----------


def check(content: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(content), *extra])
    lines = capsys.readouterr().err.splitlines()
    return code, [line for line in lines if ": warning: " in line]


def test_starter_text_left_in_a_record_is_named(content_copy, capsys):
    main(["new", "drug", "gammavec", "--content", str(content_copy)])
    starter = content_copy / "drugs/gammavec.yaml"
    text = starter.read_text()
    text = text.replace("class:  ", "class: test-pill  ").replace("  route:  ", "  route: Pills  ")
    text = text.replace("conditions: []", "conditions: [test-leukemia]").replace("sources: []  ", "sources: [doc-one]")
    text = text.replace("reviewed:  ", "reviewed: 2026-11-01  ")
    starter.write_text(text)
    code, warnings = check(content_copy, capsys)
    assert code == 0
    assert any("drugs/gammavec.yaml:10:13: warning: starter text" in w for w in warnings), warnings
    assert any("drugs/gammavec.yaml:25:15: warning: starter text" in w for w in warnings), warnings


def test_serious_effects_without_any_sign_for_the_box_are_named(content_copy, capsys):
    replace(content_copy / "drugs/betanib.yaml", "common: [headache]", "serious: [headache]")
    code, warnings = check(content_copy, capsys)
    assert code == 0
    assert (
        [w for w in warnings if "call-right-away box would show no sign" in w]
        == [w for w in warnings if "drugs/betanib.yaml:13:3: warning: the page for adults lists serious" in w]
        != []
    )


def test_the_readers_voice_is_checked_with_an_allow_list(content_copy, capsys):
    narrative = content_copy / "drugs/alphamab.adult.md"
    narrative.write_text(narrative.read_text() + "\nAsk the team before your\nchild gets it.\n")
    replace(
        content_copy / "side-effects/low-blood-pressure.yaml",
        "what_to_do: Call the care team.",
        "what_to_do: Call the care team if you feel faint.",
    )
    code, warnings = check(content_copy, capsys)
    assert code == 0
    lines = len(narrative.read_text().splitlines())
    assert any(f"alphamab.adult.md:{lines - 1}:" in w and "'your child'" in w for w in warnings), warnings
    assert any("low-blood-pressure.yaml:3:13: warning: 'you feel' speaks to the reader" in w for w in warnings)
    # A phrase an editor has judged right is accepted once listed in site.yaml.
    with (content_copy / "site.yaml").open("a") as site:
        site.write("voice_allowed: [if you feel faint]\n")
    _, warnings = check(content_copy, capsys)
    assert not any("low-blood-pressure" in w for w in warnings)


def test_a_page_citing_only_the_other_audiences_source_is_named(content_copy, capsys):
    replace(content_copy / "sources.yaml", "  title: Document One", "  about: children\n  title: Document One")
    code, warnings = check(content_copy, capsys)
    assert code == 0
    assert any(
        "drugs/betanib.yaml:10:5: warning: the page for adults cites only sources about children" in w for w in warnings
    ), warnings
    # Saying where each side effect was reported answers it.
    replace(
        content_copy / "drugs/betanib.yaml", "common: [headache]", "common: [{effect: headache, reported_in: children}]"
    )
    _, warnings = check(content_copy, capsys)
    assert not any("betanib" in w for w in warnings)


def test_warnings_are_errors_under_strict(content_copy, capsys, strict_rules_only):
    replace(content_copy / "site.yaml", "test.example.org", "medicines.hospital.test")  # a real address
    assert main(["check", "--strict", "--content", str(content_copy)]) == 0
    replace(content_copy / "drugs/betanib.yaml", "common: [headache]", "serious: [headache]")
    assert main(["check", "--strict", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    assert "drugs/betanib.yaml:13:3: the page for adults lists serious" in err


def test_a_mistake_in_per_audience_wording_is_named_once_in_the_editors_words(content_copy, tmp_path):
    replace(content_copy / "side-effects/fever.yaml", "what_to_do: Tell your care team.", "what_to_do: {adult: Rest.}")
    with pytest.raises(BuildFailed) as failed:
        build(paths_for(content_copy, tmp_path / "site"))
    messages = [str(p).split("content/")[-1] for p in failed.value.problems]
    assert messages == ["side-effects/fever.yaml:3:1: missing required field 'child' in 'what_to_do'"]
