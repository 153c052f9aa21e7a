"""The cheap checks every build runs on every page (patientpages/page_checks.py): no inline script, no
reference to a local file the site will not have. They read pages with the shared tokenizer now; the
html.parser reader they used before is kept here as the reference, and both must find the same problems
in any markup, however it is quoted, cased or broken."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_markup import documents

from patientpages.errors import problem_at
from patientpages.page_checks import page_problems

OUT = Path("/site")
FILES = {"index.html", "static/style.css", "adults/index.html", "adults/x/index.html", "glossary/index.html"}

# ---------- the reference: the checks as they were, on html.parser ----------

_REFERENCE_ATTRIBUTES = {"href", "src", "poster", "data", "action", "formaction"}
_DATA_BLOCKS = {"application/ld+json", "application/json"}
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[int, int, str]] = []
        self.scripts: list[tuple[int, int, str]] = []

    def handle_starttag(self, tag, attrs):
        line, offset = self.getpos()
        where = (line, offset + 1)
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and not values.get("src") and values.get("type", "").lower() not in _DATA_BLOCKS:
            self.scripts.append((*where, "inline <script>"))
        for name, value in values.items():
            if name.startswith("on"):
                self.scripts.append((*where, f"inline script in the {name} attribute of <{tag}>"))
            elif name in _REFERENCE_ATTRIBUTES and not (tag == "link" and values.get("rel") == "canonical"):
                self.references.append((*where, value))


def _local_target(page, url):
    url = url.strip()
    if not url or url.startswith("#") or _EXTERNAL.match(url):
        return None
    path = unquote(urlsplit(url).path)
    joined = posixpath.join(posixpath.dirname(page), path) if not path.startswith("/") else path.lstrip("/")
    target = posixpath.normpath(joined) if joined else "."
    if path.endswith("/") or target == ".":
        target = "index.html" if target == "." else target + "/index.html"
    return target


def reference_problems(html, files, out):
    missing = {}
    problems = []
    for page, text in sorted(html.items()):
        reader = _PageReader()
        reader.feed(text)
        reader.close()
        for line, column, what in reader.scripts:
            problems.append(
                problem_at(out / page, line, column, f"{what}; the pages' Content-Security-Policy forbids it")
            )
        for line, column, url in reader.references:
            target = _local_target(page, url)
            if target is not None and target not in files and f"{target}/index.html" not in files:
                missing.setdefault(target, []).append((page, line, column))
    for target, places in sorted(missing.items()):
        page, line, column = places[0]
        others = f" (and {len(places) - 1} other pages)" if len(places) > 1 else ""
        where = "outside the site" if target.startswith("../") else f"'{target}', which the site does not have"
        problems.append(problem_at(out / page, line, column, f"links to {where}{others}"))
    return problems


def found(html: dict[str, str]) -> list[str]:
    return [str(p) for p in page_problems(html, FILES, OUT)]


def expected(html: dict[str, str]) -> list[str]:
    return [str(p) for p in reference_problems(html, FILES, OUT)]


# ---------- nasty markup: what each check must catch, and the reference agrees ----------

CAUGHT = {
    "<SCRIPT>alert(1)</SCRIPT>": "1:1: inline <script>",
    "<p>\n  <ScRiPt type='module'>x</ScRiPt>": "2:3: inline <script>",
    '<script src="">x</script>': "1:1: inline <script>",
    '<script src="/static/app.js" src>x</script>': "1:1: inline <script>",  # the last of two wins
    "<div ONCLICK='go()'>x</div>": "inline script in the onclick attribute of <div>",
    "<img src=static/style.css onerror=alert(1)>": "inline script in the onerror attribute of <img>",
    "<button onfocus>x</button>": "inline script in the onfocus attribute of <button>",
    "<svg><circle onload=x /></svg>": "inline script in the onload attribute of <circle>",
    '<p title="a > b" onmouseover="x">y</p>': "inline script in the onmouseover attribute of <p>",
    "<a href=gone.html>x</a>": "1:1: links to 'gone.html', which the site does not have",
    "<A HREF='static/gone.css'>x</A>": "links to 'static/gone.css', which the site does not have",
    '<img\n\tSRC = "static/nope.png">': "1:1: links to 'static/nope.png'",
    "<link rel=stylesheet href=../outside.css>": "links to outside the site",
    '<form action="send/">': "links to 'send/index.html', which the site does not have",
}
PASSED = [
    '<script type="application/ld+json">{"a": "<img onerror=x>"}</script>',
    '<script type="APPLICATION/JSON">{}</script><script src="static/style.css"></script>',
    "<!-- <script>alert(1)</script> <a href=gone.html> -->",
    '<p title="<img onerror=x>">text with onclick=x and href=gone.html</p>',
    "<style>a[onclick] { color: red } </style>",
    '<a href="https://example.org/x">x</a><a href="#top">y</a><a href="mailto:a@b.c">z</a><a href=//cdn.x/y>',
    '<a href="./">home</a><a href="adults/x/#part">x</a><a href="static/style.css?v=2">s</a>',
    '<link rel="canonical" href="https://example.org/nowhere/">',
    "<p>Call on time: honest data, 1 < 2 > 0</p><bonus>x</bonus>",
]


@pytest.mark.parametrize("markup", CAUGHT)
def test_each_inline_script_and_missing_file_is_caught(markup):
    problems = found({"index.html": markup})
    assert problems == expected({"index.html": markup})
    assert len(problems) == 1 and CAUGHT[markup] in problems[0], problems


@pytest.mark.parametrize("markup", PASSED)
def test_data_comments_text_and_present_files_pass(markup):
    assert found({"index.html": markup}) == expected({"index.html": markup}) == []


def test_a_missing_file_is_reported_once_with_the_pages_that_link_it():
    pages = {"index.html": '<a href="gone/">', "adults/x/index.html": '<p>\n<a href="../../gone/">'}
    assert found(pages) == expected(pages)
    # at the first page in order of path
    assert found(pages) == ["/site/adults/x/index.html:2:1: links to 'gone/index.html', which the site does not have"
                            " (and 1 other pages)"]  # fmt: skip


URLS = st.sampled_from(
    ["", "#x", "./", "../", "../../", "..", "static/style.css", "static/gone.css", "adults/", "adults/x/",
     "../x/", "../../adults/x/", "a//b", "./adults/../static/style.css", "/static/style.css", "//host/x",
     "https://a.b/", "gone%20page.html", "adults/x/?q=1#f", " adults/ ", ".hidden/", "adults/./x/", "&amp;x"]
)  # fmt: skip
PAGES = st.sampled_from(["index.html", "adults/index.html", "adults/x/index.html", "a/b/c/index.html"])


@st.composite
def linked_documents(draw) -> str:
    pieces = [draw(documents)]
    for url in draw(st.lists(URLS, max_size=4)):
        name = draw(st.sampled_from(["a href", "IMG SRC", "link href", "video poster", "object data", "form action"]))
        quote = draw(st.sampled_from(['"', "'", ""]))
        pieces.append(f"<{name}={quote}{url}{quote}>" if quote or (url and " " not in url) else f"<{name}>")
        pieces.append(draw(documents))
    return "".join(pieces)


@given(st.dictionaries(PAGES, linked_documents(), max_size=3))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example({"adults/x/index.html": "<a href=../../adults/x/>", "a/b/c/index.html": "<a href='../../../../x'>"})
def test_generated_pages_get_the_problems_html_parser_found(pages):
    assert found(pages) == expected(pages)
