"""Pages to HTML with Jinja2: strict about undefined names, escaping everything by default."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2
from markupsafe import Markup, escape

from . import kinds, narrative, page_meta
from .audience import AUDIENCES
from .errors import Problem, problem_at
from .link import SiteGraph
from .plan import Page
from .policy import META_CSP


class RecordingEnvironment(jinja2.Environment):
    """A Jinja environment that notes every template a render loads (its own, and those it extends, includes
    or imports), so a page is rendered again when any of them changes."""

    reads: set[str] | None = None

    def _load_template(self, name, globals):  # every template load, include, extends and import passes here
        if self.reads is not None and isinstance(name, str):
            self.reads.add(name)
        return super()._load_template(name, globals)


@dataclass
class Reads:
    """What one page read while it rendered, beyond its own plan: templates, and where its cross-links led."""

    templates: set[str] = field(default_factory=set)
    links: dict[tuple[str, str], str] = field(default_factory=dict)


def environment(templates: Path) -> RecordingEnvironment:
    env = RecordingEnvironment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = lambda d: f"{d:%B} {d.day}, {d.year}"
    env.filters["iso_date"] = lambda d: d.isoformat()
    env.filters["sentence"] = sentence
    return env


def sentence(text: str) -> str:
    """Text ending as a sentence, with one full stop: "405 adults" -> "405 adults.", "... ALL." stays."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


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


def root_of(page: Page, graph: SiteGraph) -> str:
    """The path from a page back to the site root. Relative, so the site works under any base path; except on
    the not-found page, which a host serves at whatever address was missing, at any depth: it links from the
    root of the public address instead."""
    if page.output == kinds.NOT_FOUND_URL:
        return urlsplit(graph.content.site.record.base_url).path or "/"
    depth = page.output.count("/")
    return "../" * depth or "./"


def cross_link_url(graph: SiteGraph, page: Page, kind: str, slug: str) -> str:
    """Where `[text](kind:slug)` in a narrative leads, from the site root. A drug link goes to the page for
    the reader's own audience where the drug has one."""
    if kind == kinds.GLOSSARY:
        return kinds.glossary_term_url(graph.glossary_ids.get(slug, slug))
    registered = kinds.BY_NAME[kind]
    if registered is kinds.DRUG:
        audiences = graph.audiences_of(slug)
        audience = page.audience if page.audience in audiences else audiences[0]
        return registered.page_url(slug, audience)
    return registered.page_url(slug)


def render(
    page: Page,
    env: jinja2.Environment,
    graph: SiteGraph,
    context: dict[str, Any] | None = None,
    reads: Reads | None = None,
) -> str:
    """A page's HTML. `context` adds what only the whole rendered site knows (the glossary's "used on");
    `reads`, if given, records the templates and cross-links it used."""
    reads = reads if reads is not None else Reads()
    site = graph.content.site.record
    root = root_of(page, graph)

    def link(url: str) -> str:
        return root + url if url else root

    def md(text: str | None) -> Markup:
        def resolve(kind: str, slug: str) -> str:
            url = reads.links[kind, slug] = cross_link_url(graph, page, kind, slug)
            return link(url)

        return Markup(narrative.to_html(text, resolve) if text else "")

    if isinstance(env, RecordingEnvironment):
        env.reads = reads.templates
    try:
        template = env.get_template(page.template)
        html = template.render(
            page=page,
            site=site,
            link=link,
            md=md,
            csp=META_CSP,
            public_url=site.base_url + page.url,
            description=page_meta.description(page, site),
            json_ld=page_meta.json_ld(page, site),
            urls=kinds,
            audiences=AUDIENCES,
            **page.view.fields(),
            **(context or {}),
        )
    finally:
        if isinstance(env, RecordingEnvironment):
            env.reads = None
    return _with_print_addresses(html, site.base_url + page.url)


_INTERNAL_LINK = re.compile(r'<a href="(?![a-z]+:|#)([^"]*)"')


def _with_print_addresses(html: str, page_address: str) -> str:
    """Give each internal link its public address, which the print stylesheet shows after the link text:
    a relative path means nothing on paper."""
    address = PublicAddress(page_address)
    return _INTERNAL_LINK.sub(lambda m: f'<a href="{m[1]}" data-print="{escape(address.of(m[1]))}"', html)


# A relative link as our templates write it: some "../", then plain steps (no ".", "..", empty step, query,
# scheme or character reference), which urljoin would only append.
_PLAIN_LINK = re.compile(r"((?:\.\./)*)((?:[\w~%+-][\w~%.+-]*/)*(?:[\w~%+-][\w~%.+-]*)?)", re.ASCII)


class PublicAddress:
    """The public address of each link on one page: urljoin's answer, worked out by hand for the plain
    relative links that make up nearly all of them (urljoin cost over a second a build at 1,000 drugs)."""

    def __init__(self, page_address: str):
        self.page_address = page_address
        parts = urlsplit(page_address)
        folders = parts.path.split("/")[1:-1]
        plain = parts.scheme and parts.netloc and not parts.query and not parts.fragment and ";" not in parts.path
        self.plain = bool(plain) and all(f and _PLAIN_LINK.fullmatch(f) and "/" not in f for f in folders)
        self.folders = folders
        self.origin = f"{parts.scheme}://{parts.netloc}/"

    def of(self, href: str) -> str:
        m = _PLAIN_LINK.fullmatch(href) if self.plain and href else None
        up = len(m[1]) // 3 if m else 0
        if m is None or up > len(self.folders):
            return urljoin(self.page_address, unescape(href))
        kept = self.folders[: len(self.folders) - up]
        return self.origin + "".join(folder + "/" for folder in kept) + m[2]
