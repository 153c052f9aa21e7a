"""Privacy and script safety: nothing loads from another host, no inline script, and the CSP is in place.

A reader opening a page about their medicine should not tell any third party about it, so every load
must come from the site itself. Ordinary <a href> links to other sites are fine: the reader chooses them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from .. import policy
from ..errors import Problem, problem_at
from .links import tag_urls
from .pages import css_urls, display_path, html_pages, inline_css, line_col, parse_html, position

# <link rel> values that only describe a relation; browsers do not fetch them.
_DESCRIPTIVE_RELS = {
    "alternate",
    "author",
    "bookmark",
    "canonical",
    "external",
    "help",
    "license",
    "me",
    "next",
    "nofollow",
    "noopener",
    "noreferrer",
    "prev",
}
# <script type> values a browser executes; anything else (e.g. application/ld+json) is an inert data block.
_SCRIPT_TYPES = {
    "",
    "module",
    "importmap",
    "speculationrules",
    "text/javascript",
    "application/javascript",
    "text/ecmascript",
    "application/ecmascript",
    "application/x-javascript",
    "text/jscript",
}


def is_external(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or (urlsplit(url).scheme.lower() in ("http", "https"))


def parse_csp(policy_text: str) -> dict[str, tuple[str, ...]]:
    """{directive: sources}; the first occurrence of a directive wins, as in browsers."""
    parsed: dict[str, tuple[str, ...]] = {}
    for directive in policy_text.split(";"):
        if words := directive.split():
            parsed.setdefault(words[0].lower(), tuple(words[1:]))
    return parsed


def _allows_inline(csp: dict[str, tuple[str, ...]], directive: str) -> bool:
    sources = csp.get(directive, csp.get("default-src"))
    return sources is None or "'unsafe-inline'" in (s.lower() for s in sources)


# ---------- (a) loads from another host ----------


def _is_load(tag: Tag, attribute: str) -> bool:
    """Whether the browser fetches (or sends to) this URL without the reader choosing to follow it."""
    if attribute in ("href", "xlink:href"):
        if tag.name in ("a", "area"):
            return False
        if tag.name == "link":
            rels = {r.lower() for r in (tag.get("rel") or [])}
            return not rels or not rels <= _DESCRIPTIVE_RELS
    return True  # src, srcset, poster, data, action, formaction, refresh, SVG <image>/<use> href, <base>


def external_loads(site_dir: Path) -> list[Problem]:
    problems = []
    for page in html_pages(site_dir):
        shown = display_path(page)
        for tag in parse_html(page).find_all(True):
            line, col = position(tag)
            urls = tag_urls(tag)
            if isinstance(ping := tag.get("ping"), str):  # <a ping> reports the click to every URL listed
                urls += [("ping", url) for url in ping.split()]
            for attribute, url in urls:
                if is_external(url) and _is_load(tag, attribute):
                    problems.append(
                        problem_at(shown, line, col, f"<{tag.name} {attribute}> loads {url} from another host")
                    )
            for css, first_line, first_col in inline_css(tag):
                problems += _external_css(shown, css, first_line, first_col)
    for sheet in sorted(site_dir.rglob("*.css")):
        problems += _external_css(display_path(sheet), sheet.read_text(encoding="utf-8", errors="replace"))
    return problems


def _external_css(shown: str, css: str, first_line: int = 1, first_col: int = 1) -> list[Problem]:
    return [
        problem_at(shown, *line_col(css, offset, first_line, first_col), f"stylesheet loads {url} from another host")
        for offset, url in css_urls(css)
        if is_external(url)
    ]


# ---------- (b) Content-Security-Policy in every page, and nothing inline for it to block ----------


def _csp_metas(soup: BeautifulSoup) -> list[Tag]:
    return [
        m for m in soup.find_all("meta") if str(m.get("http-equiv", "")).strip().lower() == "content-security-policy"
    ]


def _meta_problems(soup: BeautifulSoup, shown: str) -> list[Problem]:
    metas = _csp_metas(soup)
    if not metas:
        return [
            problem_at(
                shown,
                *position(soup.find("head") or soup.find("html")),
                'no <meta http-equiv="Content-Security-Policy">; use policy.META_CSP',
            )
        ]
    problems = []
    for meta in metas:
        at = position(meta)
        content = str(meta.get("content", ""))
        csp = parse_csp(content)
        if meta.find_parent("head") is None:
            problems.append(problem_at(shown, *at, "Content-Security-Policy <meta> must be inside <head>"))
        if "script-src" not in csp and "default-src" not in csp:
            problems.append(problem_at(shown, *at, "Content-Security-Policy does not restrict scripts"))
        elif _allows_inline(csp, "script-src"):
            problems.append(problem_at(shown, *at, "Content-Security-Policy allows inline script ('unsafe-inline')"))
        if csp != parse_csp(policy.META_CSP):
            problems.append(
                problem_at(
                    shown, *at, f"Content-Security-Policy is {content!r}, not policy.META_CSP {policy.META_CSP!r}"
                )
            )
    # A meta CSP only governs what comes after it, so it must precede every script, style and fetched link.
    for earlier in metas[0].find_all_previous(["script", "link", "style"]):
        if earlier.name != "link" or _is_load(earlier, "href"):
            problems.append(
                problem_at(
                    shown, *position(earlier), f"<{earlier.name}> comes before the Content-Security-Policy <meta>"
                )
            )
    return problems


def _inline_code_problems(soup: BeautifulSoup, shown: str) -> list[Problem]:
    # The header CSP applies in production whatever the page's own <meta> says, so judge by it.
    inline_style_blocked = not _allows_inline(parse_csp(policy.CSP), "style-src")
    problems = []
    for tag in soup.find_all(True):
        at = position(tag)
        for attribute in tag.attrs:
            if attribute.lower().startswith("on"):
                problems.append(
                    problem_at(
                        shown,
                        *at,
                        f"inline event handler {attribute}= on <{tag.name}> "
                        "is blocked by the CSP; attach it from a .js file",
                    )
                )
        for attribute, url in tag_urls(tag):
            if url.strip().lower().startswith("javascript:"):
                problems.append(
                    problem_at(
                        shown, *at, f"javascript: URL in <{tag.name} {attribute}> is inline script, blocked by the CSP"
                    )
                )
        if tag.name == "script" and not tag.get("src") and tag.get_text().strip():
            kind = str(tag.get("type", "")).split(";")[0].strip().lower()
            if kind in _SCRIPT_TYPES:
                problems.append(problem_at(shown, *at, "inline <script> is blocked by the CSP; move it to a .js file"))
        if inline_style_blocked and (tag.name == "style" or isinstance(tag.get("style"), str)):
            what = "<style> element" if tag.name == "style" else f"style= attribute on <{tag.name}>"
            problems.append(
                problem_at(shown, *at, f"inline {what} is blocked by the CSP (style-src); move it to the stylesheet")
            )
    return problems


def csp_problems(site_dir: Path) -> list[Problem]:
    problems = []
    for page in html_pages(site_dir):
        soup, shown = parse_html(page), display_path(page)
        problems += _meta_problems(soup, shown) + _inline_code_problems(soup, shown)
    return problems


# ---------- (c) the host sends the same policy as headers ----------


def _parse_headers_file(text: str) -> dict[str, dict[str, tuple[int, str, str]]]:
    """{path pattern: {lower-case header name: (line, name, value)}} from a Netlify/Cloudflare _headers file."""
    rules: dict[str, dict[str, tuple[int, str, str]]] = {}
    current: dict[str, tuple[int, str, str]] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {"": (number, "", "")})
        elif current is not None and ":" in line:
            name, value = line.strip().split(":", 1)
            current[name.strip().lower()] = (number, name.strip(), value.strip())
    return rules


def headers_file_problems(site_dir: Path) -> list[Problem]:
    path = site_dir / "_headers"
    shown = display_path(path)
    if not path.is_file():
        return [problem_at(shown, 1, 1, "missing _headers file; write policy.HEADERS_FILE_TEXT")]
    every_page = _parse_headers_file(path.read_text(encoding="utf-8")).get("/*")
    if every_page is None:
        return [problem_at(shown, 1, 1, "no '/*' rule, so pages are served without the security headers")]
    problems = []
    rule_line = every_page[""][0]
    for name, wanted in policy.HEADERS:
        if name.lower() not in every_page:
            problems.append(problem_at(shown, rule_line, 1, f"'/*' rule lacks {name}: {wanted}"))
            continue
        line, _, value = every_page[name.lower()]
        same = parse_csp(value) == parse_csp(wanted) if name == "Content-Security-Policy" else value == wanted
        if not same:
            problems.append(problem_at(shown, line, 3, f"{name} is {value!r}, policy.py says {wanted!r}"))
    return problems


def privacy_problems(site_dir: Path) -> list[Problem]:
    return external_loads(site_dir) + csp_problems(site_dir) + headers_file_problems(site_dir)
