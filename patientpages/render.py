"""Pages to HTML with Jinja2: strict about undefined names, escaping everything by default."""

from __future__ import annotations

import re
import traceback
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup, escape

from . import narrative
from .checks.policy import META_CSP
from .errors import Problem, problem_at
from .link import SiteGraph
from .plan import Page, drug_url


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = lambda d: f"{d:%B} {d.day}, {d.year}"
    env.filters["iso_date"] = lambda d: d.isoformat()
    return env


def template_problem(err: Exception, template: Path, what: str) -> Problem | None:
    """A template mistake is the editor's to fix too: name the template file and line. A runtime error
    (`{{ 1 // 0 }}`, text + number) is placed by the template's own frame in the traceback, which Jinja
    rewrites to the template's file and line; an error with no such frame is not a template mistake (None)."""
    if isinstance(err, jinja2.TemplateError):
        name = getattr(err, "filename", None) or template
        return problem_at(
            name, getattr(err, "lineno", None) or 1, 1, f"template error while rendering {what}: {err.message}"
        )
    frames = [f for f in traceback.extract_tb(err.__traceback__) if not f.filename.endswith(".py")]
    if not frames:
        return None
    frame = frames[-1]
    return problem_at(
        frame.filename, frame.lineno or 1, 1, f"template error while rendering {what}: {type(err).__name__}: {err}"
    )


def root_of(page: Page) -> str:
    """The relative path from a page back to the site root, so the site works under any base path."""
    depth = page.output.count("/")
    return "../" * depth or "./"


def render(page: Page, env: jinja2.Environment, graph: SiteGraph) -> str:
    root = root_of(page)
    site = graph.content.site.record

    def link(url: str) -> str:
        return root + url if url else root

    def resolve(kind: str, slug: str) -> str:
        if kind == "drug":
            audiences = graph.audiences_of(slug)
            audience = page.audience if page.audience in audiences else audiences[0]
            return link(drug_url(slug, audience))
        if kind == "glossary":
            return link("glossary/") + "#" + graph.glossary_ids.get(slug, slug)
        folder = {"side-effect": "side-effects", "condition": "conditions", "class": "treatments"}[kind]
        return link(f"{folder}/{slug}/")

    def md(text: str | None) -> Markup:
        return Markup(narrative.to_html(text, resolve) if text else "")

    template = env.get_template(page.template)
    html = template.render(
        page=page, site=site, link=link, md=md, csp=META_CSP, public_url=site.base_url + page.url, **page.data
    )
    return _with_print_addresses(html, site.base_url + page.url)


_INTERNAL_LINK = re.compile(r'<a href="(?![a-z]+:|#)([^"]*)"')


def _with_print_addresses(html: str, page_address: str) -> str:
    """Give each internal link its public address, which the print stylesheet shows after the link text:
    a relative path means nothing on paper."""
    return _INTERNAL_LINK.sub(
        lambda m: f'<a href="{m[1]}" data-print="{escape(urljoin(page_address, unescape(m[1])))}"', html
    )
