"""Every internal reference in the built site resolves: the file exists, and a #fragment names an element in it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ..errors import Problem, problem_at
from .pages import css_urls, display_path, html_pages, inline_css, line_col, parse_html, position, srcset_urls, url_path

# A stand-in origin for the site, so urljoin resolves references exactly as a browser would.
_ORIGIN = "http://site.invalid"
# Attributes holding a single URL, on whatever element they appear (including SVG's href/xlink:href).
URL_ATTRIBUTES = ("href", "xlink:href", "src", "poster", "action", "formaction")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.I)


def tag_urls(tag: Tag) -> list[tuple[str, str]]:
    """(attribute, url) for every URL a tag refers to."""
    # Each value is read once and narrowed to str: BeautifulSoup types attributes as str or a list of values.
    found = [(attr, url) for attr in URL_ATTRIBUTES if isinstance(url := tag.get(attr), str)]
    if tag.name == "object" and isinstance(data := tag.get("data"), str):
        found.append(("data", data))
    if isinstance(srcset := tag.get("srcset"), str):
        found += [("srcset", url) for url in srcset_urls(srcset)]
    if (
        tag.name == "meta"
        and str(tag.get("http-equiv", "")).lower() == "refresh"
        and (m := _REFRESH_URL.search(str(tag.get("content", ""))))
    ):
        found.append(("content", m.group(1)))
    return found


class _Site:
    def __init__(self, site_dir: Path, base_url: str | None):
        self.dir = site_dir
        self.base_url = base_url
        self._ids: dict[Path, set[str]] = {}

    def ids(self, page: Path, soup: BeautifulSoup | None = None) -> set[str]:
        if page not in self._ids:
            soup = soup or parse_html(page)
            # A fragment may also name an <a name="...">, as browsers still honour it.
            self._ids[page] = {str(t["id"]) for t in soup.find_all(id=True)} | {
                str(t["name"]) for t in soup.find_all("a", attrs={"name": True})
            }
        return self._ids[page]

    def check(self, base: str, ref: str) -> str | None:
        """Why `ref`, written in a document at URL `base`, does not resolve; None when it does or is external."""
        ref = ref.strip()
        if self.base_url and ref.startswith(self.base_url):
            ref = "/" + ref[len(self.base_url) :]  # our own public address: check it like an internal link
        url = urlsplit(urljoin(base, ref))
        if url.scheme not in ("http", "https") or f"{url.scheme}://{url.netloc}" != _ORIGIN:
            return None  # mailto:, data:, another site: not ours to resolve
        path = unquote(url.path)
        served = path + "index.html" if path.endswith("/") else path
        target = self.dir / served.lstrip("/")
        if not target.resolve().is_relative_to(self.dir.resolve()):
            return f"broken link '{ref}': points outside the site"
        if target.is_dir():
            if (target / "index.html").is_file():
                return f"link to folder '{ref}' needs a trailing slash ('{path}/')"
            served += "/index.html"
        if not target.is_file():
            return f"broken link '{ref}': no file {served} in the site"
        fragment = url.fragment
        if (
            fragment
            and fragment.lower() != "top"
            and target.suffix.lower() in (".html", ".htm")
            and fragment not in self.ids(target)
            and unquote(fragment) not in self.ids(target)
        ):
            return f"broken fragment '{ref}': no element with id '{unquote(fragment)}' in {path or '/'}"
        return None


def _page_problems(site: _Site, page: Path) -> list[Problem]:
    soup = parse_html(page)
    site.ids(page, soup)
    base = _ORIGIN + url_path(site.dir, page)
    if (base_tag := soup.find("base", href=True)) is not None:
        base = urljoin(base, str(base_tag["href"]))
    shown = display_path(page)
    problems = []
    for tag in soup.find_all(True):
        line, col = position(tag)
        for _attr, ref in tag_urls(tag):
            if reason := site.check(base, ref):
                problems.append(problem_at(shown, line, col, reason))
        for css, first_line, first_col in inline_css(tag):
            for offset, ref in css_urls(css):
                if reason := site.check(base, ref):
                    problems.append(problem_at(shown, *line_col(css, offset, first_line, first_col), reason))
    return problems


def _stylesheet_problems(site: _Site, sheet: Path) -> list[Problem]:
    css = sheet.read_text(encoding="utf-8", errors="replace")
    base = _ORIGIN + url_path(site.dir, sheet)
    return [
        problem_at(display_path(sheet), *line_col(css, offset), reason)
        for offset, ref in css_urls(css)
        if (reason := site.check(base, ref))
    ]


def broken_links(site_dir: Path, *, base_url: str | None = None) -> list[Problem]:
    """Problems for every unresolved internal reference in pages and stylesheets.

    base_url: the site's public address (ending in '/'); absolute links to it are checked as internal.
    """
    site = _Site(site_dir, base_url)
    problems = []
    for page in html_pages(site_dir):
        problems += _page_problems(site, page)
    for sheet in sorted(site_dir.rglob("*.css")):
        problems += _stylesheet_problems(site, sheet)
    return problems
