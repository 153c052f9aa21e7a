"""The trust gates catch exactly what they should on small hand-made sites, and pass a good one.

Browser and Java checks skip (with the reason) where Chromium, Java or the npm tools are missing;
run `bash .ci/setup.sh --test` to get them. One Chromium serves the whole module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import once_per_run

from patientpages import policy
from patientpages.checks import run_trust_checks, tools
from patientpages.checks.accessibility import accessibility_problems, pages_to_check
from patientpages.checks.html_validity import invalid_html
from patientpages.checks.links import broken_links
from patientpages.checks.pages import css_urls, srcset_urls
from patientpages.checks.privacy import csp_problems, external_loads, headers_file_problems, parse_csp, privacy_problems

CSS = """\
:root { color: #1a1a1a; background: #fff; font: 1.125rem/1.5 system-ui, sans-serif; color-scheme: light dark; }
body { margin: 0 auto; max-width: 40rem; padding: 0 1rem; overflow-wrap: anywhere; }
a { color: #0b4f8a; padding-block: 0.2em; }
a:focus-visible { outline: 3px solid #0b4f8a; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; }
.faint { color: #bbb; }
.wide { width: 900px; }
.no-ring:focus, .no-ring:focus-visible { outline: none; }
.hidden-skip { position: absolute; left: -999px; }
.tiny { font-size: 10px; padding: 0; }
.em-wide { width: 18em; }
.nowrap { white-space: nowrap; overflow: hidden; }
.tall { height: 150vh; }
@media (prefers-color-scheme: dark) {
  :root { color: #eee; background: #111; }
  a { color: #9cf; }
  a:focus-visible { outline-color: #9cf; }
  .dark-faint { color: #444; }
}
"""

SKIP_LINK = '<a class="skip" href="#main">Skip to content</a>'
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{policy.META_CSP}">'


def page(
    body: str,
    *,
    title: str = "Blinatumomab",
    head: str = "",
    csp: str = CSP_META,
    viewport: str = VIEWPORT,
    skip: str = SKIP_LINK,
) -> str:
    """A page like the generator's; with `head` empty, the first line of `body` is line 15 of the file."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{csp}
{viewport}
<title>{title}</title>
<link rel="stylesheet" href="/css/site.css">
{head}</head>
<body>
{skip}
<header><nav aria-label="Site"><a href="/">Home</a> <a href="/adults/">Adults</a></nav></header>
<main id="main">
<h1>{title}</h1>
{body}
</main>
<footer><p>Questions? Ask your care team.</p></footer>
</body>
</html>
"""


BODY_LINE = 15

GOOD_PAGES = {
    "index.html": page(
        '<p><a href="/adults/blinatumomab/#side-effects">Blinatumomab side effects</a></p>',
        title="Medicine information",
    ),
    "adults/index.html": page(
        '<ul><li><a href="blinatumomab/">Blinatumomab</a></li></ul>\n'
        '<p>More from the <a href="https://www.nhs.uk/">NHS website</a>.</p>',
        title="Adults",
    ),
    "adults/blinatumomab/index.html": page(
        '<h2 id="side-effects">Side effects</h2>\n'
        '<p>You may feel tired. See <a href="../">all medicines</a> or <a href="/#main">start</a>.</p>\n'
        '<img src="/img/dose.svg" srcset="/img/dose.svg 1x, /img/dose.svg?v=2 2x" alt="Dose schedule"'
        ' width="24" height="24">\n'
        '<script type="application/ld+json">{"@type": "Drug"}</script>\n'
        '<script src="/js/site.js" defer></script>',
        head='<link rel="canonical" href="https://medicines.example.org/adults/blinatumomab/">\n',
    ),
}
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24"/></svg>'


def make_site(
    root: Path,
    pages: dict[str, str],
    *,
    css: str = CSS,
    headers: str | None = policy.HEADERS_FILE_TEXT,
    files: dict[str, str] | None = None,
) -> Path:
    every = {
        "css/site.css": css,
        "img/dose.svg": SVG,
        "js/site.js": "document.documentElement.dataset.js = '1';\n",
        **pages,
        **(files or {}),
    }
    if headers is not None:
        every["_headers"] = headers
    for name, text in every.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def good_site(tmp_path: Path, **overrides: str) -> Path:
    """The good site, with some pages replaced or added."""
    return make_site(tmp_path / "site", {**GOOD_PAGES, **overrides})


def messages(problems) -> list[str]:
    return [p.message for p in problems]


# ---------- links ----------


def test_good_site_has_no_broken_links(tmp_path):
    assert broken_links(good_site(tmp_path)) == []


def test_broken_links_and_fragments_are_reported_where_they_are(tmp_path):
    site = good_site(
        tmp_path,
        **{
            "adults/bad.html": page(
                '<p><a href="/adults/nope/">gone</a>\n'
                '<a href="/adults/blinatumomab/#dosing">no such section</a>\n'
                '<a href="#nowhere">not on this page</a>\n'
                '<a href="/adults">folder without slash</a>\n'
                '<img src="/img/missing.png?v=1" alt="missing"></p>\n'
                '<a href="/#main">fine</a> <a href="mailto:team@example.org">fine</a> '
                '<a href="https://example.org/#x">fine</a> <a href="">fine</a> <a href="#top">fine</a>'
            )
        },
    )
    problems = broken_links(site)
    assert [(p.line, p.message) for p in problems] == [
        (BODY_LINE, "broken link '/adults/nope/': no file /adults/nope/index.html in the site"),
        (
            BODY_LINE + 1,
            "broken fragment '/adults/blinatumomab/#dosing': no element with id 'dosing' in /adults/blinatumomab/",
        ),
        (BODY_LINE + 2, "broken fragment '#nowhere': no element with id 'nowhere' in /adults/bad.html"),
        (BODY_LINE + 3, "link to folder '/adults' needs a trailing slash ('/adults/')"),
        (BODY_LINE + 4, "broken link '/img/missing.png?v=1': no file /img/missing.png in the site"),
    ]
    assert all(p.path.endswith("site/adults/bad.html") for p in problems)
    assert [p.column for p in problems[:2]] == [4, 1]


def test_stylesheet_urls_are_checked(tmp_path):
    site = make_site(tmp_path / "site", GOOD_PAGES, css=CSS + "@font-face { src: url(../fonts/gone.woff2); }\n")
    [problem] = broken_links(site)
    assert problem.path.endswith("css/site.css") and problem.line == CSS.count("\n") + 1
    assert "/fonts/gone.woff2" in problem.message


def test_absolute_links_to_our_own_address_are_checked_when_base_url_is_given(tmp_path):
    site = good_site(tmp_path, **{"x.html": page('<a href="https://medicines.example.org/adults/nope/">x</a>')})
    assert broken_links(site) == []
    assert messages(broken_links(site, base_url="https://medicines.example.org/")) == [
        "broken link '/adults/nope/': no file /adults/nope/index.html in the site"
    ]


def test_problem_paths_are_relative_to_the_current_directory(tmp_path, monkeypatch):
    site = good_site(tmp_path, **{"adults/x/index.html": page('<a href="/gone/">x</a>')})
    monkeypatch.chdir(tmp_path)
    [problem] = broken_links(site)
    assert str(problem) == ("site/adults/x/index.html:15:1: broken link '/gone/': no file /gone/index.html in the site")


# ---------- privacy and the CSP ----------


def test_good_site_passes_privacy(tmp_path):
    assert privacy_problems(good_site(tmp_path)) == []


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.example.com/x.js"></script>',
        '<img src="//images.example.com/x.png" alt="x">',
        '<img src="/img/dose.svg" srcset="/img/dose.svg 1x, https://images.example.com/x.png 2x" alt="x">',
        '<iframe src="https://www.youtube.com/embed/x" title="x"></iframe>',
        '<form action="https://forms.example.com/"><button>Send</button></form>',
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">',
        '<link rel="icon" href="https://example.com/favicon.ico">',
        '<link rel="preconnect" href="https://fonts.gstatic.com">',
        '<svg><image href="https://example.com/x.png"/></svg>',
        '<a href="/" ping="https://track.example.com/">x</a>',
    ],
)
def test_loads_from_another_host_are_reported(tmp_path, html):
    site = good_site(tmp_path, **{"x.html": page(html)})
    problems = external_loads(site)
    assert len(problems) == 1 and problems[0].line == BODY_LINE, problems
    assert "from another host" in problems[0].message


def test_css_loads_from_another_host_are_reported(tmp_path):
    css = CSS + '@import "https://fonts.example.com/a.css";\nbody { background: url(//img.example.com/b.png); }\n'
    site = make_site(tmp_path / "site", GOOD_PAGES, css=css)
    assert [(p.line, p.message) for p in external_loads(site)] == [
        (css.count("\n") - 1, "stylesheet loads https://fonts.example.com/a.css from another host"),
        (css.count("\n"), "stylesheet loads //img.example.com/b.png from another host"),
    ]


def test_links_a_reader_follows_and_canonical_links_are_allowed(tmp_path):
    site = good_site(
        tmp_path,
        **{
            "x.html": page(
                '<a href="https://www.nhs.uk/">NHS</a>', head='<link rel="canonical" href="https://example.org/x">\n'
            )
        },
    )
    assert external_loads(site) == []


def test_missing_csp_is_reported(tmp_path):
    site = good_site(tmp_path, **{"x.html": page("<p>Hi</p>", csp="")})
    assert [(p.line, p.message) for p in csp_problems(site)] == [
        (3, 'no <meta http-equiv="Content-Security-Policy">; use policy.META_CSP')
    ]


def test_csp_allowing_inline_script_is_reported(tmp_path):
    weak = CSP_META.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    site = good_site(tmp_path, **{"x.html": page("<p>Hi</p>", csp=weak)})
    assert [(p.line, p.message.split(" is ")[0]) for p in csp_problems(site)] == [
        (5, "Content-Security-Policy allows inline script ('unsafe-inline')"),
        (5, "Content-Security-Policy"),  # ...differs from policy.META_CSP
    ]


def test_csp_after_a_stylesheet_is_reported(tmp_path):
    site = good_site(tmp_path, **{"x.html": page("<p>Hi</p>", csp="", head=CSP_META + "\n")})
    assert messages(csp_problems(site)) == ["<link> comes before the Content-Security-Policy <meta>"]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>", "inline <script> is blocked by the CSP; move it to a .js file"),
        (
            '<script type="module">import "/js/site.js";</script>',
            "inline <script> is blocked by the CSP; move it to a .js file",
        ),
        (
            '<button type="button" onclick="go()">Go</button>',
            "inline event handler onclick= on <button> is blocked by the CSP; attach it from a .js file",
        ),
        ('<a href="javascript:go()">Go</a>', "javascript: URL in <a href> is inline script, blocked by the CSP"),
        (
            '<p style="color: red">Hi</p>',
            "inline style= attribute on <p> is blocked by the CSP (style-src); move it to the stylesheet",
        ),
    ],
)
def test_inline_code_is_reported(tmp_path, html, expected):
    site = good_site(tmp_path, **{"x.html": page(html)})
    assert [(p.line, p.message) for p in csp_problems(site)] == [(BODY_LINE, expected)]


def test_headers_file_must_carry_the_policy(tmp_path):
    site = make_site(tmp_path / "site", GOOD_PAGES, headers=None)
    assert messages(headers_file_problems(site)) == ["missing _headers file; write policy.HEADERS_FILE_TEXT"]
    weaker = policy.HEADERS_FILE_TEXT.replace("object-src 'none'", "object-src *").replace(
        "  X-Frame-Options: DENY\n", ""
    )
    (site / "_headers").write_text(weaker)
    problems = headers_file_problems(site)
    assert [(p.line, p.message.split(" is ")[0].split(" lacks ")[-1]) for p in problems] == [
        (2, "Content-Security-Policy"),
        (1, "X-Frame-Options: DENY"),
    ]


def test_policy_is_consistent():
    assert "frame-ancestors" not in parse_csp(policy.META_CSP)
    assert parse_csp(policy.CSP) == {**parse_csp(policy.META_CSP), "frame-ancestors": ("'none'",)}
    assert "'unsafe-inline'" not in policy.CSP
    assert policy.HEADERS_FILE_TEXT.startswith("/*\n  Content-Security-Policy: default-src 'self';")


def test_url_parsers():
    assert srcset_urls("a.png 1x, b.png 2x") == ["a.png", "b.png"]
    assert srcset_urls("data:image/png;base64,AAA= 1x,c.png 2x") == ["data:image/png;base64,AAA=", "c.png"]
    assert [u for _, u in css_urls("/* url(no.png) */ a { b: url( \"x.png\" ) } @import 'y.css';")] == [
        "x.png",
        "y.css",
    ]


# ---------- HTML validity (Java + vnu.jar) ----------


def test_vnu_reports_invalid_html_and_passes_valid_pages(tmp_path):
    try:
        tools.java(), tools.vnu_jar()
    except tools.ToolMissing as missing:
        pytest.skip(str(missing))
    # One site with good and bad pages, so the JVM starts once.
    site = good_site(tmp_path, **{"bad.html": page("<div><span>unclosed</div>\n<p><li>stray item</li></p>")})
    problems = invalid_html(site)
    assert problems and all(p.path.endswith("site/bad.html") for p in problems), problems
    assert {p.line for p in problems} == {BODY_LINE, BODY_LINE + 1}
    assert all(p.message.startswith("invalid HTML: ") for p in problems)


# ---------- the browser: axe-core, phone width, keyboard ----------


@pytest.fixture(scope="module")
def browser(chromium):
    """The worker's Chromium, with axe-core; every browser test skips, with the reason, when a tool is missing."""
    try:
        tools.axe_js()
    except tools.ToolMissing as missing:
        pytest.skip(str(missing))
    return chromium


BAD_BROWSER_PAGES = {
    "alt.html": page('<p><img src="/img/dose.svg" width="24" height="24"></p>'),
    "contrast.html": page('<p class="faint">Take with food.</p>'),
    "wide.html": page('<p>Dose table:</p>\n<div class="wide">wide</div>'),
    "no-viewport.html": page("<p>Hi</p>", viewport=""),
    "no-skip.html": page("<p>Hi</p>", skip=""),
    "skip-elsewhere.html": page("<p>Hi</p>", skip='<a class="skip" href="#footer">Skip</a>').replace(
        "<footer>", '<footer id="footer">'
    ),
    "no-ring.html": page("<p>Hi</p>", skip='<a class="skip no-ring" href="#main">Skip to content</a>'),
    "hidden-skip.html": page("<p>Hi</p>", skip='<a class="hidden-skip" href="#main">Skip to content</a>'),
    "third-party.html": page('<p><img src="https://images.example.com/x.png" alt="x"></p>', csp=""),
    "tiny-target.html": page('<ul><li><a class="tiny" href="/">Adults</a></li></ul>'),
    "wide-at-large-text.html": page('<p class="em-wide">Fits a phone only at normal text size.</p>'),
    "clipped.html": page('<h2 class="nowrap">Brexucabtagene autoleucel</h2>'),
    "urgent-far-down.html": page(
        '<div class="tall">Intro</div>\n<section class="call-now"><h2>Call right away</h2></section>'
    ),
    "dark-contrast.html": page('<p class="dark-faint">Take with food.</p>'),
    # A second stylesheet takes the colour scheme away again.
    "no-colour-scheme.html": page("<p>Hi</p>", head='<link rel="stylesheet" href="/css/no-colour-scheme.css">\n'),
}


@pytest.fixture(scope="module")
def browser_problems(request, tmp_path_factory):
    """Every bad page in one site, checked in one pass: {file name: problems}. Once per test run (both workers
    may run these tests; only the one that checks needs Chromium)."""

    def check(folder: Path) -> dict[str, list]:
        no_scheme = {"css/no-colour-scheme.css": ":root { color-scheme: normal; }\n"}
        site = make_site(folder / "site", {**GOOD_PAGES, **BAD_BROWSER_PAGES}, files=no_scheme)
        by_page: dict[str, list] = {}
        browser = request.getfixturevalue("browser")
        for problem in accessibility_problems(site, browser=browser, progress=lambda _: None):
            by_page.setdefault(Path(problem.path).relative_to(site.resolve()).as_posix(), []).append(problem)
        return by_page

    return once_per_run(tmp_path_factory, "browser-problems", check)


def test_browser_passes_the_good_pages(browser_problems):
    assert {name: ps for name, ps in browser_problems.items() if name in GOOD_PAGES} == {}


def test_browser_reports_only_the_bad_pages(browser_problems):
    assert set(browser_problems) == set(BAD_BROWSER_PAGES)


def test_axe_finds_an_image_without_alt(browser_problems):
    [problem] = browser_problems["alt.html"]
    assert problem.message.startswith("accessibility [image-alt]: Images must have alternative text")
    assert (problem.line, problem.column) == (BODY_LINE, 4)
    assert problem.message.endswith("(at 375px, 1280px, 390px at 200% text in dark mode)")


def test_axe_finds_low_contrast_text(browser_problems):
    [problem] = browser_problems["contrast.html"]
    assert problem.message.startswith("accessibility [color-contrast]:") and "contrast" in problem.message
    assert problem.line == BODY_LINE


def test_a_page_wider_than_a_phone_is_reported_at_the_culprit(browser_problems):
    problem, at_large_text = sorted(browser_problems["wide.html"], key=lambda p: p.message)
    assert at_large_text.message.startswith("page scrolls sideways on a 390px phone")
    assert problem.message.startswith("page scrolls sideways on a 375px phone")
    assert "<div> reaches" in problem.message and problem.message.endswith("(at 375px)")
    assert problem.line == BODY_LINE + 1


def test_a_page_without_a_viewport_is_reported(browser_problems):
    assert [(p.line, p.message) for p in browser_problems["no-viewport.html"]] == [
        (
            3,
            'no <meta name="viewport" content="width=device-width, initial-scale=1">, '
            "so phones show the page shrunk to fit (at 375px, 390px at 200% text in dark mode)",
        )
    ]


def test_keyboard_skip_link_problems(browser_problems):
    def first_message(name):
        return [p.message for p in browser_problems[name] if "axe" not in p.message][0]

    assert first_message("no-skip.html").startswith("the first Tab focuses <a href='/'>, not a skip link")
    assert first_message("skip-elsewhere.html").startswith("the first Tab focuses <a href='#footer'>")
    assert first_message("no-ring.html").startswith("the focused skip link has no visible focus indicator")
    assert first_message("hidden-skip.html").startswith("the skip link stays hidden when focused")
    assert [len(browser_problems[name]) for name in ("no-skip.html", "no-ring.html", "hidden-skip.html")] == [1, 1, 1]
    assert (browser_problems["no-ring.html"][0].line, browser_problems["no-skip.html"][0].line) == (11, 12)


def test_tap_targets_smaller_than_24px_are_reported_outside_sentences(browser_problems):
    [problem] = browser_problems["tiny-target.html"]
    assert problem.message.startswith("tap target <a> 'Adults' is ")
    assert "smaller than 24x24px (WCAG 2.5.8) (at 375px)" in problem.message
    assert problem.line == BODY_LINE


def test_200_percent_text_overflow_clipping_and_the_urgent_box_are_reported(browser_problems):
    [wide] = browser_problems["wide-at-large-text.html"]
    assert wide.message.startswith("page scrolls sideways on a 390px phone")
    assert wide.message.endswith("(at 390px at 200% text in dark mode)")
    clipped = messages(browser_problems["clipped.html"])
    assert "<h2> 'Brexucabtagene autoleucel' is cut off at 200% text" in clipped[0]
    [far] = browser_problems["urgent-far-down.html"]
    assert far.message.startswith("the call-right-away box starts ")
    assert "screens down at 200% text; it should be within 1.5" in far.message
    assert far.line == BODY_LINE + 1


def test_axe_checks_contrast_in_dark_mode_too(browser_problems):
    [problem] = browser_problems["dark-contrast.html"]
    assert problem.message.startswith("accessibility [color-contrast]:")
    assert problem.message.endswith("(at 390px at 200% text in dark mode)")


def test_a_page_without_a_colour_scheme_is_reported(browser_problems):
    assert [(p.line, p.message) for p in browser_problems["no-colour-scheme.html"]] == [
        (
            1,
            "no `color-scheme: light dark` declared, so dark mode shows a glaring white page "
            "(at 390px at 200% text in dark mode)",
        )
    ]


def test_loads_from_another_host_are_blocked_and_reported(browser_problems):
    assert [p.message for p in browser_problems["third-party.html"]] == [
        "the browser tried to load https://images.example.com/x.png from another host "
        "(at 375px, 1280px, 390px at 200% text in dark mode)"
    ]


def test_sampling_picks_one_page_per_url_shape(tmp_path):
    site = good_site(tmp_path, **{"adults/other/index.html": page("<p>x</p>"), "children/a/index.html": page("x")})
    assert [p.relative_to(site).as_posix() for p in pages_to_check(site, sample=True)] == [
        "adults/blinatumomab/index.html",
        "adults/index.html",
        "children/a/index.html",
        "index.html",
    ]


# ---------- the runner ----------


def test_runner_reports_missing_tools_as_skipped_never_passed(tmp_path, monkeypatch):
    monkeypatch.setenv("VNU_JAR", str(tmp_path / "no-vnu.jar"))
    monkeypatch.setenv("AXE_JS", str(tmp_path / "no-axe.js"))
    result = run_trust_checks(good_site(tmp_path), progress=lambda _: None)
    assert result.problems == []
    assert [s.split(":")[0] for s in result.skipped] == ["html validity", "accessibility"]
    assert "VNU_JAR" in result.skipped[0] and not result.ok() and result.ok(allow_skipped=True)


def test_runner_reports_a_crashed_check_as_a_problem(tmp_path, monkeypatch):
    import patientpages.checks as checks

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(checks, "broken_links", crash)
    monkeypatch.setenv("VNU_JAR", str(tmp_path / "no-vnu.jar"))
    monkeypatch.setenv("AXE_JS", str(tmp_path / "no-axe.js"))
    result = run_trust_checks(good_site(tmp_path), progress=lambda _: None)
    assert messages(result.problems) == ["the links check crashed: RuntimeError: boom"]


def test_runner_refuses_an_empty_site(tmp_path):
    result = run_trust_checks(tmp_path, progress=lambda _: None)
    assert messages(result.problems) == ["no HTML pages found to check"]
