"""Printable handouts: one PDF per drug page (drug and audience) in every edition: the site's paper size at
`handouts/<drug>-<audience>.pdf`, the other size and large print beside it (kinds.handout_editions), plus one
bundle per kind of treatment and audience. A regular handout is at most two pages, large print at most four.

The handout is HTML from templates/handout.html, rendered with the site's own Jinja environment (autoescaped,
strict about undefined names) from the same typed view as the drug's web page (views.DrugView), and laid out
by WeasyPrint with templates/handout.css. It is a build extra (`pipeline.Extra`):
`build(paths, extras=[write_handouts])` puts the handouts into the site's outputs, again only where what shapes
a handout changed since the last build; the rest are reused from the cache or laid out, across processes when
there are several (parallel.map_in_order).

One module a job: text.py (what the handout says), layout.py (fitting on paper, offline), cache.py (reuse),
bundles.py (one PDF of many).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import segno

from .. import kinds, model
from ..build_cache import digest
from ..errors import BuildFailed, Problem, problem_at
from ..model import voiced
from ..outputs import SiteOutputs
from ..parallel import MIN_PDFS_PER_WORKER, map_in_order, worker_count
from ..pipeline import BuildResult, Paths, Progress
from ..plan import Page
from ..render import RecordingEnvironment, environment, render, template_problem
from ..views import DrugView, HandoutFile, HandoutListView
from .bundles import bundle, page_count
from .cache import CACHE_FOLDER, Cache, cache_beside, cache_key
from .layout import (
    EXTRAS,
    LARGE_PRINT_EXTRAS,
    LAYOUTS,
    MAX_PAGES,
    TEMPLATE,
    Fitted,
    fit,
    local_only_fetcher,
    read_stylesheet,
)
from .text import helps, labelled, other_drug_names

PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # accepted spellings (any case) -> CSS page size

__all__ = ["write_handouts", "paper_size", "handout_context", "CACHE_FOLDER", "LAYOUTS", "MAX_PAGES"]


@dataclasses.dataclass
class _Job:
    """One PDF to lay out: everything a worker process needs, nothing it cannot pickle."""

    output: str
    inputs: Path
    slug: str
    audience: str
    html: dict[tuple[str, str], str]
    size: str
    max_pages: int
    large_print: bool
    pdf_key: str
    cache: Cache


def write_handouts(
    result: BuildResult,
    outputs: SiteOutputs,
    paths: Paths,
    progress: Progress = lambda _: None,
    *,
    paper: str | None = None,
    clinic: model.Clinic | None = None,
    lists: bool = True,
    default_only: bool = False,
    cache_folder: Path | None = None,
) -> list[str]:
    """Put every handout in every edition, and the bundles, into the site's outputs; return the paths,
    relative to site/.

    A handout whose context, templates, stylesheet and edition are as last build recorded is kept as it is; one
    whose HTML is unchanged is reused from the handout cache; the rest are laid out, across processes when
    there are several. `paper` is "A4" or "letter" (the default edition's size); without it the site setting
    `handout_paper` decides. `clinic` replaces the site's clinic details. With `lists`, the handout list pages
    are put again with each PDF's page count. `default_only` (for quick rebuilds) writes the default edition
    alone, and no bundles. `cache_folder` shares a PDF cache between output folders (it is never pruned); by
    default the cache sits beside the output folder."""
    site = result.graph.content.site.record
    default_paper = paper_size(paper or site.handout_paper)
    editions = kinds.handout_editions(default_paper)[: 1 if default_only else None]
    pages = [p for p in result.pages if isinstance(p.view, DrugView)]
    env = result.env or environment(paths.templates)
    css = read_stylesheet(paths)
    folder = cache_folder or cache_beside(paths.out)
    caches = {e: Cache(folder, e.paper + ("-large" if e.large_print else "")) for e in editions}
    handouts: list[str] = []  # every handout in this build, kept, reused or laid out
    kept, reused, jobs = 0, 0, []
    for page in pages:
        view = page.view
        assert isinstance(view, DrugView)
        context = handout_context(page, result, qr=False, clinic=clinic)
        for edition in editions:
            output = kinds.handout_url(view.slug, view.audience, edition if edition.suffix else None)
            size = paper_size(edition.paper)
            key = digest(repr(context), css, size, str(edition.large_print), str(edition.max_pages))
            before = result.previous.handouts.get(output)
            if before and before[0] == key and _same_templates(before[1], result.templates) and outputs.intact(output):
                outputs.keep(output)
                result.state.handouts[output] = before
                handouts.append(output)
                kept += 1
                continue
            reads: set[str] = set()
            try:
                html = render_html(env, page, result, context, reads, large_print=edition.large_print)
            except Exception as err:
                problem = template_problem(err, paths.templates / TEMPLATE, f"the {view.slug} handout")
                if problem is None:
                    raise
                raise BuildFailed([problem]) from err
            result.state.handouts[output] = (key, {n: result.templates.get(n, "") for n in sorted(reads)})
            cache = caches[edition]
            pdf_key = cache_key(html, css, size + ("-large" if edition.large_print else ""))
            pdf = cache.get(view.slug, view.audience.slug, pdf_key)
            if pdf is None:
                large = edition.large_print
                jobs.append(
                    _Job(
                        output,
                        page.inputs[0],
                        view.slug,
                        view.audience.slug,
                        html,
                        size,
                        edition.max_pages,
                        large,
                        pdf_key,
                        cache,
                    )
                )
            else:
                outputs.put(output, pdf)
                handouts.append(output)
                reused += 1
    tighter = _lay_out(jobs, css, paths, outputs, handouts, result.cancelled)
    written = list(handouts)
    counts = {output: _page_count(outputs, output) for output in handouts}
    for url, pdf in ({} if default_only else _bundles(result, outputs, handouts)).items():
        outputs.put(url, pdf)
        written.append(url)
        counts[url] = page_count(pdf)
    if lists:
        _put_lists(result, env, outputs, counts)
    if not cache_folder:
        for cache in caches.values():
            cache.prune(keep_unused=bool(kept))
    progress(
        f"handouts: {len(handouts)} PDFs in {len(editions)} edition{'s' if len(editions) > 1 else ''} "
        f"({default_paper} default; {len(jobs)} laid "
        f"out, {reused} reused from cache, {kept} unchanged), {len(written) - len(handouts)} bundles"
    )
    if tighter:  # close to the page limit: worth knowing before the next edit makes them too long
        progress(f"handouts set tighter to fit: {', '.join(tighter)}")
    return sorted(written)


_pages_of: dict[str, int] = {}  # a PDF's sha256 -> its pages: a loaded dev server parses each PDF once


def _page_count(outputs: SiteOutputs, url: str) -> int:
    """The PDF's pages, known by the hash its outputs recorded; read and parsed only the first time."""
    sha = outputs.present[url].sha
    if sha not in _pages_of:
        _pages_of[sha] = page_count(outputs.read(url))
    return _pages_of[sha]


def _same_templates(recorded: dict[str, str], now: dict[str, str]) -> bool:
    return all(now.get(name) == sha for name, sha in recorded.items())


def _lay_out(
    jobs: list[_Job],
    css: str,
    paths: Paths,
    outputs: SiteOutputs,
    written: list[str],
    cancel: Callable[[], bool] | None,
) -> list[str]:
    """Lay out the handouts that changed, in parallel when there are several; refuse any that runs long.
    In the dev server (`cancel` given) every core helps, and a newer save stops the work (BuildCancelled)."""
    if not jobs:
        return []
    # Loading WeasyPrint takes a second: here, once, so forked workers start with it loaded.
    fetcher = local_only_fetcher([paths.templates, paths.static])

    def one(job: _Job) -> Fitted | Problem:
        extras = LARGE_PRINT_EXTRAS if job.large_print else EXTRAS
        try:
            return fit(job.html, css, job.size, paths, fetcher, max_pages=job.max_pages, extras=extras)
        except BuildFailed as failed:  # a refused URL: carried back as a value, so it crosses processes
            return failed.problems[0]

    workers = worker_count(len(jobs), 1 if cancel else MIN_PDFS_PER_WORKER)
    fitted_all = map_in_order(one, jobs, workers, cancelled=cancel)
    problems: list[Problem] = []
    tighter = []
    for job, fitted in zip(jobs, fitted_all, strict=True):
        if isinstance(fitted, Problem):
            problems.append(fitted)
        elif not fitted.pdf:
            problems.append(_too_long(job, fitted.pages))
        else:
            job.cache.put(job.slug, job.audience, job.pdf_key, fitted.pdf)
            outputs.put(job.output, fitted.pdf)
            written.append(job.output)
            if fitted.layout != LAYOUTS[0]:
                tighter.append(f"{job.output.removeprefix('handouts/')} ({fitted.layout})")
    if problems:
        raise BuildFailed(problems)
    return tighter


def _too_long(job: _Job, pages: int) -> Problem:
    what = "large-print handout" if job.large_print else "handout"
    return problem_at(
        job.inputs,
        1,
        1,
        f"the {job.audience} {what} runs to {pages} pages on {job.size} paper even in its most compact layout "
        f"(at most {job.max_pages}); shorten how_given.what_to_expect, the side-effect notes or used_for",
    )


def _bundles(result: BuildResult, outputs: SiteOutputs, handouts: list[str]) -> dict[str, bytes]:
    """One PDF per kind of treatment and audience: its drugs' handouts in the default edition, by name."""
    graph = result.graph
    made = set(handouts)
    out = {}
    for cls, by_audience in sorted(graph.class_drugs.items()):
        for audience, slugs in by_audience.items():
            urls = [kinds.handout_url(slug, audience) for slug in sorted(set(slugs))]
            parts = [outputs.read(url) for url in urls if url in made]
            if parts:
                out[kinds.handout_bundle_url(cls, audience)] = bundle(parts)
    return out


def _put_lists(result: BuildResult, env: jinja2.Environment, outputs: SiteOutputs, counts: dict[str, int]) -> None:
    """The handout list pages again, now that each PDF's page count is known."""
    for page in result.pages:
        view = page.view
        if not isinstance(view, HandoutListView):
            continue

        def counted(files: tuple[HandoutFile, ...]) -> tuple[HandoutFile, ...]:
            """Each file with its page count; a file not made in this build (a quick build) is not offered."""
            return tuple(dataclasses.replace(f, pages=counts[f.url]) for f in files if f.url in counts)

        items = tuple(dataclasses.replace(i, files=counted(i.files)) for i in view.items)
        counted_view = dataclasses.replace(view, items=items, bundles=counted(view.bundles))
        html = render(dataclasses.replace(page, view=counted_view), env, result.graph)
        result.html[page.output] = html
        outputs.put(page.output, html)


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
    *,
    large_print: bool = False,
    clinic: model.Clinic | None = None,
) -> dict[tuple[str, str], str]:
    """The handout HTML for one drug page in every (layout, page-2 extra), in the site's Jinja environment.
    `reads`, if given, records the templates it loaded."""
    context = dict(context or handout_context(page, result, clinic=clinic))
    context["qr"] = context["qr"] or qr_data_uri(context["address"])
    if isinstance(env, RecordingEnvironment):
        env.reads = reads if reads is not None else set()
    try:
        template = env.get_template(TEMPLATE)
        html = {}
        for n, layout in enumerate(LAYOUTS):
            classes = " ".join([f"layout-{layout}", *LAYOUTS[1 : n + 1]])  # a layout keeps the ones before it
            for extra in LARGE_PRINT_EXTRAS if large_print else EXTRAS:
                html[layout, extra.name] = template.render(
                    **context,
                    layout=layout,
                    layout_classes=classes,
                    large_print=large_print,
                    diary_days=extra.diary_days,
                    questions=extra.questions,
                )
    finally:
        if isinstance(env, RecordingEnvironment):
            env.reads = None
    return html


def handout_context(
    page: Page, result: BuildResult, *, qr: bool = True, clinic: model.Clinic | None = None
) -> dict[str, Any]:
    """What the handout template prints: the drug page's own view, plus what only paper needs. Without `qr`
    the QR code (made from the address) is left empty, to be made only for a handout that is laid out.
    `clinic` replaces the site's clinic details."""
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
        "clinic": clinic or site.clinic,
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
        # The diary's rows: the common side effects by name, then blank rows for any others.
        "diary_rows": [e.name[:1].upper() + e.name[1:] for e in (tiers["common"].effects if "common" in tiers else ())],
        "diary_other_rows": 2 if "common" in tiers else 5,
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
