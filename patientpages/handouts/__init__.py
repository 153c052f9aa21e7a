"""Printable handouts: one PDF per drug page (drug and audience), at most two pages on A4 or US Letter.

The handout is HTML from templates/handout.html, rendered with the site's own Jinja environment (autoescaped,
strict about undefined names) from the same typed view as the drug's web page (views.DrugView), and laid out
by WeasyPrint with templates/handout.css. It is a build extra (`pipeline.Extra`):
`build(paths, extras=[write_handouts])` writes `handouts/<slug>-<audience>.pdf`, again only where what shapes
a handout changed since the last build.

One module a job: text.py (what the handout says), layout.py (fitting it on paper, offline), cache.py (reuse).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
import segno

from .. import kinds
from ..build_cache import digest
from ..errors import BuildFailed, Problem, problem_at
from ..model import voiced
from ..outputs import SiteOutputs
from ..parallel import MIN_PDFS_PER_WORKER, map_in_order, worker_count
from ..pipeline import BuildCancelled, BuildResult, Paths, Progress
from ..plan import Page
from ..render import RecordingEnvironment, environment, template_problem
from ..views import DrugView
from .cache import CACHE_FOLDER, Cache, cache_key
from .layout import LAYOUTS, MAX_PAGES, TEMPLATE, Fitted, fit, local_only_fetcher, read_stylesheet
from .text import helps, labelled, other_drug_names

PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # accepted spellings (any case) -> CSS page size

__all__ = ["write_handouts", "paper_size", "handout_context", "CACHE_FOLDER", "LAYOUTS", "MAX_PAGES"]


def write_handouts(
    result: BuildResult,
    outputs: SiteOutputs,
    paths: Paths,
    progress: Progress = lambda _: None,
    *,
    paper: str | None = None,
) -> list[str]:
    """Put a PDF handout for every drug page into the site's outputs; return the paths, relative to site/.

    A handout whose context, templates, stylesheet and paper are as last build recorded is kept as it is; one
    whose HTML is unchanged is reused from the handout cache; the rest are laid out, across processes when
    there are several. `paper` is "A4" or "letter"; without it the site setting `handout_paper` decides."""
    site = result.graph.content.site.record
    size = paper_size(paper or site.handout_paper)
    pages = [p for p in result.pages if isinstance(p.view, DrugView)]
    env = result.env or environment(paths.templates)
    css = read_stylesheet(paths)
    cache = Cache(paths.out.with_name(CACHE_FOLDER), size)
    written, kept, reused, to_lay_out = [], 0, 0, []
    for page in pages:
        view = page.view
        assert isinstance(view, DrugView)
        context = handout_context(page, result, qr=False)
        key = digest(repr(context), css, size)
        before = result.previous.handouts.get(view.handout)
        if (
            before
            and before[0] == key
            and _same_templates(before[1], result.templates)
            and outputs.intact(view.handout)
        ):
            outputs.keep(view.handout)
            result.state.handouts[view.handout] = before
            written.append(view.handout)
            kept += 1
            continue
        reads: set[str] = set()
        try:
            html = render_html(env, page, result, context, reads)
        except Exception as err:
            problem = template_problem(err, paths.templates / TEMPLATE, f"the {view.slug} handout")
            if problem is None:
                raise
            raise BuildFailed([problem]) from err
        result.state.handouts[view.handout] = (key, {n: result.templates.get(n, "") for n in sorted(reads)})
        pdf_key = cache_key(html, css, size)
        pdf = cache.get(view.slug, view.audience.slug, pdf_key)
        if pdf is None:
            to_lay_out.append((page, pdf_key, html))
        else:
            outputs.put(view.handout, pdf)
            written.append(view.handout)
            reused += 1
    tighter = _lay_out(to_lay_out, css, size, paths, cache, outputs, written, result.cancelled)
    cache.prune(keep_unused=bool(kept))
    progress(
        f"handouts: {len(written)} PDFs on {size} paper ({len(to_lay_out)} laid out, {reused} reused from cache, "
        f"{kept} unchanged)"
    )
    if tighter:  # close to the two-page limit: worth knowing before the next edit makes them too long
        progress(f"handouts set tighter to fit on {MAX_PAGES} pages: {', '.join(tighter)}")
    return sorted(written)


def _same_templates(recorded: dict[str, str], now: dict[str, str]) -> bool:
    return all(now.get(name) == sha for name, sha in recorded.items())


def _lay_out(
    work: list[tuple[Page, str, dict[str, str]]],
    css: str,
    size: str,
    paths: Paths,
    cache: Cache,
    outputs: SiteOutputs,
    written: list[str],
    cancel: Callable[[], bool],
) -> list[str]:
    """Lay out the handouts that changed, in parallel when there are several; refuse any that runs long."""
    fetchers: list = []  # made on the first PDF laid out in each process: loading WeasyPrint takes a second

    def one(item: tuple[Page, str, dict[str, str]]) -> Fitted | Problem:
        if cancel():
            raise BuildCancelled
        if not fetchers:
            fetchers.append(local_only_fetcher([paths.templates, paths.static]))
        try:
            return fit(item[2], css, size, paths, fetchers[0])
        except BuildFailed as failed:  # a refused URL: carried back as a value, so it crosses processes
            return failed.problems[0]

    fitted_all = map_in_order(one, work, worker_count(len(work), MIN_PDFS_PER_WORKER))
    problems: list[Problem] = []
    tighter = []
    for (page, pdf_key, _), fitted in zip(work, fitted_all, strict=True):
        view = page.view
        assert isinstance(view, DrugView)
        audience = view.audience.slug
        if isinstance(fitted, Problem):
            problems.append(fitted)
        elif fitted.pages > MAX_PAGES:
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
        else:
            cache.put(view.slug, audience, pdf_key, fitted.pdf)
            outputs.put(view.handout, fitted.pdf)
            written.append(view.handout)
            if fitted.layout != LAYOUTS[0]:
                tighter.append(f"{view.slug}-{audience} ({fitted.layout})")
    if problems:
        raise BuildFailed(problems)
    return tighter


def paper_size(name: str) -> str:
    try:
        return PAPER_SIZES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown handout paper size '{name}'; use A4 or letter") from None


# ---------- what the handout says ----------


def render_html(
    env: jinja2.Environment,
    page: Page,
    result: BuildResult,
    context: dict[str, Any] | None = None,
    reads: set[str] | None = None,
) -> dict[str, str]:
    """The handout HTML for one drug page in every layout, in the site's Jinja environment. `reads`, if given,
    records the templates it loaded."""
    context = dict(context or handout_context(page, result))
    context["qr"] = context["qr"] or qr_data_uri(context["address"])
    if isinstance(env, RecordingEnvironment):
        env.reads = reads if reads is not None else set()
    try:
        template = env.get_template(TEMPLATE)
        html = {}
        for n, layout in enumerate(LAYOUTS):
            classes = " ".join([f"layout-{layout}", *LAYOUTS[1 : n + 1]])  # a layout keeps the ones before it
            html[layout] = template.render(**context, layout=layout, layout_classes=classes)
    finally:
        if isinstance(env, RecordingEnvironment):
            env.reads = None
    return html


def handout_context(page: Page, result: BuildResult, *, qr: bool = True) -> dict[str, Any]:
    """What the handout template prints: the drug page's own view, plus what only paper needs. Without `qr`
    the QR code (made from the address) is left empty, to be made only for a handout that is laid out."""
    view = page.view
    assert isinstance(view, DrugView)
    content = result.graph.content
    site = content.site.record
    address = site.base_url + page.url
    others = other_drug_names(content, view.slug)
    tiers = {t.tier: t for t in view.tiers}

    def of_tier(tier: str) -> list[dict[str, str]]:
        return [labelled(e) for e in tiers[tier].effects] if tier in tiers else []

    def what_helps(slug: str) -> str:
        return helps(voiced(content.side_effects[slug].record.what_to_do, view.audience.slug), others)

    return {
        **view.fields(),
        "page": page,
        "site": site,
        "urls": kinds,
        "clinic": site.clinic,
        "address": address,
        "qr": qr_data_uri(address) if qr else "",
        "created": view.drug.reviewed.isoformat(),
        # Every use, never cut: the record's own shorter summary where it has one.
        "used_for": " ".join((view.use.handout_summary or view.use.used_for).split()),
        "help_pages": _help_pages(content, site.base_url),
        "source_titles": [s.title for s in view.sources],
        "urgent_signs": view.urgent_signs,
        "urgent_reported": view.urgent_reported,
        "urgent_effects": of_tier("urgent"),
        "serious_title": tiers["serious"].title if "serious" in tiers else "",
        "serious_effects": of_tier("serious"),
        "reported": {name: t.reported for name, t in tiers.items()},  # a tier's one "Reported in ..." label
        "common_effects": [
            dict(labelled(e), helps=what_helps(e.slug)) for e in (tiers["common"].effects if "common" in tiers else ())
        ],
    }


def _help_pages(content, base_url: str) -> list[dict[str, str]]:
    """The help pages' titles and web addresses, for the line about them at the end of every handout."""
    return [
        {"title": e.record.title, "summary": e.record.summary, "address": base_url + kinds.HELP.page_url(slug)}
        for slug, e in sorted(content.of_kind(kinds.HELP).items())
    ]


def qr_data_uri(address: str) -> str:
    """A QR code for the address as an SVG data URI: vector, so it stays sharp when printed or copied."""
    return segno.make(address, error="m", micro=False).svg_data_uri(
        border=2, dark="#000", light="#fff", omit_charset=True
    )
