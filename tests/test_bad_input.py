"""Bad input: every problem named with file, line and column, all at once, and the last good site untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, fingerprint, paths_for

from patientpages.errors import BuildFailed
from patientpages.pipeline import build
from patientpages.plan import Page, refuse_collisions
from patientpages.views import EmptyView


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_for(content: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(paths_for(content, tmp_path / "site"))
    return [str(p).replace(str(content) + "/", "") for p in failed.value.problems]


CASES = {
    "yaml syntax": (
        lambda c: replace(c / "drugs/betanib.yaml", "brand_names: [Betavec]", "brand_names: [Betavec"),
        "drugs/betanib.yaml:3:6: YAML syntax error",
    ),
    "tab": (
        lambda c: replace(c / "drugs/betanib.yaml", "  route: Pills", "\troute: Pills"),
        "drugs/betanib.yaml:7:1: tab character; indent with spaces",
    ),
    "duplicate key": (
        lambda c: replace(c / "drugs/betanib.yaml", "reviewed:", "class: test-pill\nreviewed:"),
        "drugs/betanib.yaml:14:1: duplicate key 'class' (first given on line 3)",
    ),
    "picture of two kinds": (
        lambda c: replace(
            c / "drugs/betanib.yaml",
            "  route: Pills by mouth\n",
            "  route: Pills by mouth\n  picture:\n    caption: Betanib\n    every_day: [1]\n"
            "    steps: [{label: One}, {label: Two}]\n",
        ),
        "drugs/betanib.yaml:9:5: 'how_given.picture': give exactly one of cycle, every_day or steps (found 2)",
    ),
    "picture with an unknown way of giving": (
        lambda c: replace(
            c / "classes/test-pill.yaml",
            "part_of:",
            "picture:\n  caption: A cycle\n  cycle:\n    - {days: 5, given: drip, label: Pills}\npart_of:",
        ),
        "classes/test-pill.yaml:7:24: 'picture.cycle[0].given': Input should be 'day-and-night', 'once' or 'none'",
    ),
    "misspelt field": (
        lambda c: replace(c / "drugs/betanib.yaml", "what_it_is:", "what_it_si:"),
        "drugs/betanib.yaml:4:1: unknown field 'what_it_si' (did you mean 'what_it_is'?)",
    ),
    "missing field": (
        lambda c: replace(c / "side-effects/fever.yaml", "what_to_do: Tell your care team.\n", ""),
        "side-effects/fever.yaml:1:1: missing required field 'what_to_do'",
    ),
    "wrong type": (
        lambda c: replace(c / "drugs/betanib.yaml", "brand_names: [Betavec]", "brand_names: Betavec"),
        "drugs/betanib.yaml:2:14: 'brand_names' should be a list, not str 'Betavec'",
    ),
    "bad date": (
        lambda c: replace(c / "drugs/betanib.yaml", "reviewed: 2026-11-01", "reviewed: 2026-13-01"),
        "drugs/betanib.yaml:14:11: '2026-13-01' is not a real date; expected YYYY-MM-DD",
    ),
    "unknown side effect": (
        lambda c: replace(c / "drugs/betanib.yaml", "common: [headache]", "common: [headace]"),
        "drugs/betanib.yaml:13:12: no side effect 'headace' in content/side-effects/; did you mean 'headache'?",
    ),
    "unknown condition": (
        lambda c: replace(c / "drugs/betanib.yaml", "[test-leukemia]", "[test-leukaemia]"),
        "drugs/betanib.yaml:11:18: no condition 'test-leukaemia' in content/conditions/; did you mean 'test-leukemia'?",
    ),
    "unknown class": (
        lambda c: replace(c / "drugs/betanib.yaml", "class: test-pill", "class: test-pills"),
        "drugs/betanib.yaml:3:8: no class 'test-pills' in content/classes/; did you mean 'test-pill'?",
    ),
    "unknown drug in markdown": (
        lambda c: replace(c / "drugs/alphamab.adult.md", "(drug:betanib)", "(drug:betanab)"),
        "drugs/alphamab.adult.md:3:94: no drug 'betanab' in content/drugs/; did you mean 'betanib'?",
    ),
    "unknown source": (
        lambda c: replace(c / "side-effects/rash.yaml", "[doc-one]", "[doc-two]"),
        "side-effects/rash.yaml:4:11: no source 'doc-two' in content/sources.yaml; did you mean 'doc-one'?",
    ),
    "empty file": (
        lambda c: (c / "side-effects/rash.yaml").write_text(""),
        "side-effects/rash.yaml:1:1: file is empty; expected a YAML record",
    ),
    "not utf-8": (
        lambda c: (c / "side-effects/rash.yaml").write_bytes(b"name: Caf\xe9 rash\n"),
        "side-effects/rash.yaml:1:10: file is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    "anchor and alias": (
        lambda c: replace(
            c / "drugs/betanib.yaml", "brand_names: [Betavec]", "brand_names: &names [Betavec]\nalso_called: *names"
        ),
        "drugs/betanib.yaml:2:14: YAML anchor ('&' / '*') is not allowed",
    ),
    "narrative for an audience the drug lacks": (
        lambda c: (c / "drugs/betanib.child.md").write_text("## Hello\n"),
        "drugs/betanib.child.md:1:1: this record has no page for this audience (expected betanib.adult.md)",
    ),
    "misnamed narrative": (
        lambda c: (c / "drugs/betanib.adults.md").write_text("## Hello\n"),
        "drugs/betanib.adults.md:1:1: unexpected file name",
    ),
    "no audience": (
        lambda c: replace(c / "drugs/betanib.yaml", "  adult:\n", "  adul:\n"),
        "drugs/betanib.yaml:9:3: unknown field 'adul' in 'audiences' (did you mean 'adult'?)",
    ),
    "side effect in two tiers": (
        lambda c: replace(c / "drugs/alphamab.yaml", "serious: []", "serious: [fever]"),
        "drugs/alphamab.yaml:27:12: side effect 'fever' is already listed under 'serious'",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_names_file_line_and_problem(name, content_copy, tmp_path):
    break_it, expected = CASES[name]
    break_it(content_copy)
    problems = problems_for(content_copy, tmp_path)
    assert any(p.startswith(expected) for p in problems), problems


def test_two_pages_for_one_path_are_refused(tmp_path):
    # Slugs live in separate folders, so real content cannot collide today; the plan still guards it.
    one = Page("adults/x/", "drug", "drug.html", "X", [], [tmp_path / "drugs/x.yaml"], EmptyView())
    two = Page("adults/x/", "drug", "drug.html", "X", [], [tmp_path / "drugs/x-copy.yaml"], EmptyView())
    with pytest.raises(BuildFailed) as failed:
        refuse_collisions([one, two])
    assert str(failed.value.problems[0]).endswith(
        "x-copy.yaml:1:1: two pages would be written to site/adults/x/index.html: this one and the one from "
        f"{tmp_path}/drugs/x.yaml; rename one slug"
    )


def test_alias_bomb_is_refused_quickly(content_copy, tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    (content_copy / "side-effects/bomb.yaml").write_text(bomb)
    problems = problems_for(content_copy, tmp_path)
    assert any(p.startswith("side-effects/bomb.yaml:1:4: YAML anchor") for p in problems), problems


def test_all_problems_reported_together(content_copy, tmp_path):
    replace(content_copy / "drugs/betanib.yaml", "what_it_is:", "what_it_si:")
    replace(content_copy / "side-effects/rash.yaml", "[doc-one]", "[doc-two]")
    (content_copy / "side-effects/fever.yaml").write_text("")
    problems = problems_for(content_copy, tmp_path)
    assert len(problems) == 3, problems


def test_failed_build_from_the_command_line_leaves_the_last_good_site_untouched(content_copy, tmp_path):
    out = tmp_path / "site"
    command = [
        sys.executable,
        str(PROJECT / "build.py"),
        "build",
        "--root",
        str(PROJECT),
        "--content",
        str(content_copy),
        "--out",
        str(out),
        "--no-handouts",
    ]
    good = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    before = fingerprint(out)
    replace(content_copy / "drugs/betanib.yaml", "common: [headache]", "common: [headace]")
    replace(content_copy / "drugs/alphamab.yaml", "Alphamab", "Alphamab changed")
    bad = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr + bad.stdout
    assert "betanib.yaml:13:12: no side effect 'headace'" in bad.stderr
    assert "The last good site was left as it was." in bad.stderr
    assert fingerprint(out) == before
    # No staging folder left behind (the lock file stays: removing it could let two builds in at once; the
    # build cache stays as the last good build left it).
    assert sorted(p.name for p in tmp_path.glob(".site.*")) == [".site.cache", ".site.lock"]
