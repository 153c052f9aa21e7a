"""Printable handouts: one PDF per drug page (drug and audience), at most two pages on A4 or US Letter.

The handout is HTML from templates/handout.html, rendered with the site's own Jinja environment (autoescaped,
strict about undefined names) from the same typed view as the drug's web page (views.DrugView), and laid out
by WeasyPrint with templates/handout.css. It is a build extra (`pipeline.Extra`):
`build(paths, extras=[write_handouts])` writes `handouts/<slug>-<audience>.pdf`.

One module a job: text.py (what the handout says), layout.py (fitting it on paper, offline), cache.py (reuse).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import segno

from .. import kinds
from ..errors import BuildFailed, problem_at
from ..pipeline import BuildResult, Paths, Progress
from ..plan import Page
from ..render import environment, template_problem
from ..views import DrugView
from ..write import write_file
from .cache import CACHE_FOLDER, Cache, cache_key
from .layout import LAYOUTS, MAX_PAGES, TEMPLATE, fit, local_only_fetcher, read_stylesheet
from .text import effect_label, helps, other_drug_names, summary

PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # accepted spellings (any case) -> CSS page size

__all__ = ["write_handouts", "paper_size", "handout_context", "CACHE_FOLDER", "LAYOUTS", "MAX_PAGES"]


def write_handouts(
    result: BuildResult, staging: Path, paths: Paths, progress: Progress = lambda _: None, *, paper: str | None = None
) -> list[str]:
    """Write a PDF handout for every drug page into `staging`; return the paths written, relative to it.

    `paper` is "A4" or "letter"; without it the site setting `handout_paper` decides."""
    site = result.graph.content.site.record
    size = paper_size(paper or site.handout_paper)
    pages = [p for p in result.pages if isinstance(p.view, DrugView)]
    env = environment(paths.templates)
    css = read_stylesheet(paths)
    cache = Cache(paths.out.with_name(CACHE_FOLDER), size)
    fetcher = None  # made on the first PDF that has to be rendered: loading WeasyPrint takes a second
    written, rendered, reused, problems, tighter = [], 0, 0, [], []
    for page in pages:
        view = page.view
        assert isinstance(view, DrugView)
        slug, audience = view.slug, view.audience.slug
        try:
            html = render_html(env, page, result)
        except Exception as err:
            problem = template_problem(err, paths.templates / TEMPLATE, f"the {slug} handout")
            if problem is None:
                raise
            raise BuildFailed([problem]) from err
        key = cache_key(html, css, size)
        pdf = cache.get(slug, audience, key)
        if pdf is None:
            fetcher = fetcher or local_only_fetcher([paths.templates, paths.static])
            fitted = fit(html, css, size, paths, fetcher)
            if fitted.pages > MAX_PAGES:
                problems.append(
                    problem_at(
                        page.inputs[0],
                        1,
                        1,
                        f"the {audience} handout runs to {fitted.pages} pages on {size} paper even in its most "
                        f"compact layout (at most {MAX_PAGES}); shorten how_given.what_to_expect, the side-effect "
                        f"notes or used_for",
                    )
                )
                continue
            pdf = fitted.pdf
            cache.put(slug, audience, key, pdf)
            rendered += 1
            if fitted.layout != LAYOUTS[0]:
                tighter.append(f"{slug}-{audience} ({fitted.layout})")
        else:
            reused += 1
        write_file(staging, view.handout, pdf)
        written.append(view.handout)
    if problems:
        raise BuildFailed(problems)
    cache.prune()
    progress(f"handouts: {len(written)} PDFs on {size} paper ({rendered} rendered, {reused} reused from cache)")
    if tighter:  # close to the two-page limit: worth knowing before the next edit makes them too long
        progress(f"handouts set tighter to fit on {MAX_PAGES} pages: {', '.join(tighter)}")
    return written


def paper_size(name: str) -> str:
    try:
        return PAPER_SIZES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown handout paper size '{name}'; use A4 or letter") from None


# ---------- what the handout says ----------


def render_html(env: jinja2.Environment, page: Page, result: BuildResult) -> dict[str, str]:
    """The handout HTML for one drug page in every layout, in the site's Jinja environment."""
    template = env.get_template(TEMPLATE)
    context = handout_context(page, result)
    html = {}
    for n, layout in enumerate(LAYOUTS):
        classes = " ".join([f"layout-{layout}", *LAYOUTS[1 : n + 1]])  # a layout keeps the ones before it
        html[layout] = template.render(**context, layout=layout, layout_classes=classes)
    return html


def handout_context(page: Page, result: BuildResult) -> dict[str, Any]:
    """What the handout template prints: the drug page's own view, plus what only paper needs."""
    view = page.view
    assert isinstance(view, DrugView)
    content = result.graph.content
    site = content.site.record
    address = site.base_url + page.url
    others = other_drug_names(content, view.slug)
    tiers = {t.tier: t for t in view.tiers}

    def labelled(tier: str) -> list[dict[str, str]]:
        return [effect_label(e) for e in tiers[tier].effects] if tier in tiers else []

    return {
        **view.fields(),
        "page": page,
        "site": site,
        "urls": kinds,
        "clinic": site.clinic,
        "address": address,
        "qr": qr_data_uri(address),
        "created": view.drug.reviewed.isoformat(),
        "used_for": " ".join(summary(view.use.used_for)),
        "source_titles": [s.title for s in view.sources],
        "urgent_signs": view.urgent_signs,
        "urgent_effects": labelled("urgent"),
        "serious_title": tiers["serious"].title if "serious" in tiers else "",
        "serious_effects": labelled("serious"),
        "common_effects": [
            dict(effect_label(e), helps=helps(content.side_effects[e.slug].record.what_to_do, others))
            for e in (tiers["common"].effects if "common" in tiers else ())
        ],
    }


def qr_data_uri(address: str) -> str:
    """A QR code for the address as an SVG data URI: vector, so it stays sharp when printed or copied."""
    return segno.make(address, error="m", micro=False).svg_data_uri(
        border=2, dark="#000", light="#fff", omit_charset=True
    )
