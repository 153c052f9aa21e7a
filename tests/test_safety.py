"""Nothing a record or narrative says can become live markup; bad input never crashes; builds are repeatable."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from conftest import FIXTURE, fingerprint, paths_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patientpages.errors import BuildFailed
from patientpages.model import SLUG_PATTERN
from patientpages.narrative import to_html
from patientpages.pipeline import build

PAYLOAD = (
    '<script>alert(1)</script><img src=x onerror="alert(2)">'
    '<a href="javascript:alert(3)" onclick="alert(4)">x</a>"\'><svg onload=alert(5)>'
)
MD_PAYLOAD = (
    PAYLOAD + "\n\n[click](javascript:alert(6)) [data](data:text/html,<script>alert(7)</script>)\n\n"
    '<div onmouseover="alert(8)">block</div>\n\n![img](x "onerror=alert(9)")\n'
)


def poison(value):
    """Append the payload to every piece of prose, leaving slugs, dates and numbers valid."""
    if isinstance(value, dict):
        return {k: poison(v) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v) for v in value]
    if isinstance(value, str) and not re.fullmatch(SLUG_PATTERN, value) and not value.startswith("https://"):
        return value + " " + PAYLOAD
    return value


def _our_own_script(tag) -> bool:
    """The two scripts every page carries: the search box (a file of ours, nothing inline) and JSON-LD data,
    which browsers never run and which must hold no markup at all (the build escapes '<' inside it)."""
    if tag.get("src", "").endswith("static/search.js") and not tag.string:
        return True
    if tag.get("type") == "application/ld+json" and "<" not in (tag.string or "<"):
        json.loads(tag.string)
        return True
    return False


def live_markup(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            if tag.name == "script" and _our_own_script(tag):
                continue
            if tag.name in ("script", "svg", "iframe", "object", "embed", "img"):
                found.append(f"{page}: <{tag.name}>")
            for attr, value in tag.attrs.items():
                if attr.lower().startswith("on"):
                    found.append(f"{page}: {attr}= on <{tag.name}>")
                if attr in ("href", "src") and re.match(r"\s*(javascript|data|vbscript):", str(value), re.I):
                    found.append(f"{page}: {attr}={value}")
    return found


def test_script_and_handlers_in_every_field_and_narrative_never_go_live(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    for path in content.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        path.write_text(yaml.safe_dump(poison(data), allow_unicode=True), encoding="utf-8")
    for path in content.rglob("*.md"):
        # Poisoned glossary terms get new anchors, so drop the one glossary cross-link.
        text = path.read_text().replace("(glossary:cd19)", "")
        path.write_text(text + "\n" + MD_PAYLOAD, encoding="utf-8")
    out = tmp_path / "site"
    build(paths_for(content, out))
    assert live_markup(out) == []
    # ...and the reader still sees the text, shown as text.
    page = (out / "adults/alphamab/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


prose = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    markdown=st.lists(
        st.one_of(
            prose,
            st.sampled_from(
                [
                    "<script>alert(1)</script>",
                    "[x](javascript:alert(1))",
                    "<a href='javascript:x'>y</a>",
                    "**b**",
                    "# h",
                    "<img src=x onerror=alert(1)>",
                    "[d](drug:",
                    "](drug:nope)",
                    "<!--",
                    "```",
                    "> q",
                    "- li",
                    "<b onclick=x>",
                ]
            ),
        ),
        max_size=8,
    )
)
def test_random_markdown_is_always_safe(markdown):
    html = to_html("\n".join(markdown), lambda kind, slug: f"/{kind}/{slug}/")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "img", "iframe"])
    for tag in soup.find_all(True):
        assert not any(a.lower().startswith("on") for a in tag.attrs)
        assert not str(tag.get("href", "")).lower().strip().startswith("javascript")


FIELDS = [
    "generic_name",
    "what_it_is",
    "how_it_works",
    "brand_names",
    "class",
    "reviewed",
    "targets",
    "side_effects",
    "audiences",
    "how_given",
    "sources",
    "nonsense_field",
]
values = st.one_of(
    prose,
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(prose, max_size=3),
    st.dictionaries(st.sampled_from(["route", "adult", "common", "x"]), prose, max_size=2),
)


@settings(max_examples=30, deadline=None)
@given(edits=st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=4))
def test_random_records_build_or_fail_with_a_file_and_line(edits, tmp_path_factory):
    content = tmp_path_factory.mktemp("random") / "content"
    shutil.copytree(FIXTURE, content)
    drug = content / "drugs/betanib.yaml"
    data = yaml.safe_load(drug.read_text())
    data.update(edits)
    drug.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        result = build(paths_for(content, content.parent / "site"), write=False)
    except BuildFailed as failed:
        assert failed.problems
        for problem in failed.problems:
            assert re.match(r".+\.(yaml|md):\d+:\d+: \S", str(problem)), str(problem)
        return
    page = result.html.get("adults/betanib/index.html")
    if page and isinstance(edits.get("generic_name"), str):
        soup = BeautifulSoup(page, "html.parser")
        assert soup.find("h1").get_text() == edits["generic_name"].strip()


def test_two_builds_of_the_same_content_are_byte_for_byte_the_same(tmp_path):
    build(paths_for(FIXTURE, tmp_path / "one"))
    build(paths_for(FIXTURE, tmp_path / "two"))
    assert fingerprint(tmp_path / "one") == fingerprint(tmp_path / "two")
