"""Random records of every kind, and random cross-links in narratives, either build or fail with nothing but
`path:line:col` problems: never a traceback (issue 8, defect 1; issue 13)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import FIXTURE, paths_for
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from patientpages.errors import BuildFailed
from patientpages.pipeline import build

# Each kind: its file, where its record sits in the file, and the fields an editor may write (plus a stray one).
KINDS = {
    "drug": (
        "drugs/betanib.yaml",
        (),
        ["generic_name", "brand_names", "class", "reviewed", "review_due", "side_effects", "audiences", "sources"],
    ),
    "class": (
        "classes/test-antibody.yaml",
        (),
        ["name", "what_it_is", "how_it_works", "how_given", "steps", "part_of", "sources"],
    ),
    "condition": (
        "conditions/test-leukemia.yaml",
        (),
        ["name", "short_name", "what_it_is", "adult", "child", "gene_changes", "sources"],
    ),
    "side effect": (
        "side-effects/fever.yaml",
        (),
        ["name", "also_called", "what_it_is", "signs", "what_to_do", "call_right_away", "sources"],
    ),
    "glossary": ("glossary.yaml", (0,), ["term", "definition", "also"]),
    "sources": ("sources.yaml", ("doc-one",), ["title", "publisher", "date", "document"]),
    "site settings": (
        "site.yaml",
        (),
        ["title", "base_url", "contact", "review_months", "handout_paper", "clinic", "max_file_kb"],
    ),
}
ALL_FIELDS = sorted({f for _, _, fields in KINDS.values() for f in fields} | {"nonsense_field"})

# Text with control characters, invisible and direction-control characters and the odd lone one.
text = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(["\x00", "\x0c", "\x1b", "\x07", "\u202e", "\u200b", "\ufeff", "\x85"]),
    ),
    min_size=1,
    max_size=40,
)
slugs = st.sampled_from(["test-therapy", "test-therapyy", "test-pill", "fever", "doc-one", "doc-two", "nope", ""])
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
deep = st.integers(min_value=1, max_value=10_000).map(lambda n: f"DEEP-{n}")  # written out as n nested lists
values = st.one_of(
    text,
    slugs,
    dates,
    deep,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.lists(st.one_of(text, slugs), max_size=3),
    st.dictionaries(st.sampled_from(["route", "adult", "common", "summary", "name", "x"]), text, max_size=2),
)


def _nested(match: re.Match) -> str:
    n = int(match[1])
    return "[" * n + "]" * n


def _write_record(path: Path, where: tuple, edits: dict) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    record = data
    for part in where:
        record = record[part]
    record.update(edits)
    dumped = yaml.safe_dump(data, allow_unicode=True, width=10_000)
    path.write_text(re.sub(r"DEEP-(\d+)", _nested, dumped), encoding="utf-8")


def _fresh_content(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("random") / "content"
    shutil.copytree(FIXTURE, content)
    return content


def _build_or_locate(content: Path):
    """The build result, or None when the build failed with located problems only."""
    try:
        return build(paths_for(content, content.parent / "site"), write=False)
    except BuildFailed as failed:
        assert failed.problems
        for problem in failed.problems:
            assert re.fullmatch(r".+\.(yaml|md):\d+:\d+: \S.*", str(problem), re.S), str(problem)
            assert "\x1b" not in str(problem) and "\u202e" not in str(problem)
        return None


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.dictionaries(st.sampled_from(ALL_FIELDS), values, min_size=1, max_size=3))
@example(edits={"part_of": "test-therapyy"})
@example(edits={"reviewed": dt.date(9999, 6, 1)})
@example(edits={"review_due": dt.date(9999, 12, 31), "reviewed": dt.date(9999, 12, 31)})
@example(edits={"name": "DEEP-10000"})
@example(edits={"title": "A\x00B\x0cC\x1b[2J"})
def test_random_records_of_every_kind_build_or_fail_located(kind, edits, tmp_path_factory):
    relative, where, fields = KINDS[kind]
    content = _fresh_content(tmp_path_factory)
    _write_record(content / relative, where, edits)
    _build_or_locate(content)


link_forms = st.sampled_from(
    [
        "[x]({kind}:{slug})",
        "[x](\n{kind}:{slug})",
        "[x](\n  {kind}:{slug}\n)",
        '[x]({kind}:{slug} "A title")',
        "[x]({kind}:{slug} 'A title')",
        "[x](<{kind}:{slug}>)",
        "[x][r]\n\n[r]: {kind}:{slug}",
        '[x][r]\n\n[r]: <{kind}:{slug}> "T"',
        "<{kind}:{slug}>",
    ]
)
targets = st.sampled_from(
    [
        ("drug", "betanib"),
        ("drug", "nope"),
        ("side-effect", "fever"),
        ("side-effect", "nope"),
        ("class", "test-pill"),
        ("condition", "test-leukemia"),
        ("glossary", "cd19"),
        ("glossary", "nope"),
    ]
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(links=st.lists(st.tuples(link_forms, targets), min_size=1, max_size=3))
@example(links=[("[x](\n{kind}:{slug})", ("drug", "nope"))])
@example(links=[('[x]({kind}:{slug} "A title")', ("side-effect", "fever"))])
def test_random_cross_links_resolve_or_fail_located(links, tmp_path_factory):
    content = _fresh_content(tmp_path_factory)
    narrative = content / "drugs/alphamab.adult.md"
    added = "\n\n".join(form.format(kind=kind, slug=slug) for form, (kind, slug) in links)
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n" + added + "\n", encoding="utf-8")
    result = _build_or_locate(content)
    if result is None:
        return
    soup = BeautifulSoup(result.html["adults/alphamab/index.html"], "html.parser")
    for a in soup.select("main a"):
        href = a.get("href", "")
        assert href and not re.match(r"(drug|side-effect|class|condition|glossary):", href), a
