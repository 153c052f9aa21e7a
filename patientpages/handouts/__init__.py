"""Printable handouts: one PDF per drug page (drug and audience) in every edition: the site's paper size at
`handouts/<drug>-<audience>.pdf`, the other size and large print beside it (kinds.handout_editions), plus one
bundle per kind of treatment and audience. A regular handout is at most two pages, large print at most four.

The handout is HTML from templates/handout.html, rendered with the site's own Jinja environment (autoescaped,
strict about undefined names) from the same typed view as the drug's web page (views.DrugView), and laid out
by WeasyPrint with templates/handout.css. It is a build extra (`pipeline.Extra`):
`build(paths, extras=[write_handouts])`. PDFs that must be rendered are rendered in parallel, one process per
core; the others are reused from the cache.

One module a job: text.py (what the handout says), layout.py (fitting on paper, offline), cache.py (reuse),
bundles.py (one PDF of many).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import jinja2
import segno

from .. import kinds, model
from ..errors import BuildFailed, Problem, problem_at
from ..model import voiced
from ..pipeline import BuildResult, Paths, Progress
from ..plan import Page
from ..render import environment, render, template_problem
from ..views import DrugView, HandoutFile, HandoutListView
from ..write import write_file
from .bundles import bundle, page_count
from .cache import CACHE_FOLDER, Cache, cache_key
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
# Rendering processes at most; 1 renders in this process.
JOBS_ENV = "PATIENTPAGES_JOBS"

__all__ = ["write_handouts", "paper_size", "handout_context", "CACHE_FOLDER", "LAYOUTS", "MAX_PAGES"]


@dataclasses.dataclass
class _Job:
    """One PDF to render: everything a worker process needs, nothing it cannot pickle."""

    output: str
    inputs: Path
    audience: str
    html: dict[tuple[str, str], str]
    size: str
    max_pages: int
    large_print: bool


def write_handouts(
    result: BuildResult,
    staging: Path,
    paths: Paths,
    progress: Progress = lambda _: None,
    *,
    paper: str | None = None,
    clinic: model.Clinic | None = None,
    lists: bool = True,
    default_only: bool = False,
    cache_folder: Path | None = None,
) -> list[str]:
    """Write every handout in every edition, and the bundles, into `staging`; return the paths written.

    `paper` is "A4" or "letter" (the default edition's size); without it the site setting `handout_paper`
    decides. `clinic` replaces the site's clinic details. With `lists`, the handout list pages are written
    again with each PDF's page count. `default_only` (for quick checks) writes the default edition alone, and no
    bundles. `cache_folder` shares a PDF cache between output folders (it is never pruned); by default the cache
    sits beside the output folder."""
    site = result.graph.content.site.record
    default_paper = paper_size(paper or site.handout_paper)
    editions = kinds.handout_editions(default_paper)[: 1 if default_only else None]
    pages = [p for p in result.pages if isinstance(p.view, DrugView)]
    env = environment(paths.templates)
    css = read_stylesheet(paths)
    folder = cache_folder or paths.out.with_name(CACHE_FOLDER)
    caches = {e: Cache(folder, e.paper + ("-large" if e.large_print else "")) for e in editions}
    written: list[str] = []
    pdfs: dict[str, bytes] = {}
    jobs: list[_Job] = []
    keys: dict[str, tuple[Cache, str, str, str]] = {}
    for page in pages:
        view = page.view
        assert isinstance(view, DrugView)
        for edition in editions:
            try:
                html = render_html(env, page, result, large_print=edition.large_print, clinic=clinic)
            except Exception as err:
                problem = template_problem(err, paths.templates / TEMPLATE, f"the {view.slug} handout")
                if problem is None:
                    raise
                raise BuildFailed([problem]) from err
            output = kinds.handout_url(view.slug, view.audience, edition if edition.suffix else None)
            size = paper_size(edition.paper)
            key = cache_key(html, css, size + ("-large" if edition.large_print else ""))
            cache = caches[edition]
            keys[output] = (cache, view.slug, view.audience.slug, key)
            pdf = cache.get(view.slug, view.audience.slug, key)
            if pdf is None:
                large = edition.large_print
                jobs.append(_Job(output, page.inputs[0], view.audience.slug, html, size, edition.max_pages, large))
            else:
                pdfs[output] = pdf
    reused = len(pdfs)
    problems, tighter = [], []
    for job, fitted in zip(jobs, _render_all(jobs, css, paths), strict=True):
        if isinstance(fitted, list):  # the renderer refused a URL: a template problem
            raise BuildFailed(fitted)
        if not fitted.pdf:
            problems.append(_too_long(job, fitted.pages))
            continue
        cache, slug, audience, key = keys[job.output]
        cache.put(slug, audience, key, fitted.pdf)
        pdfs[job.output] = fitted.pdf
        if fitted.layout != LAYOUTS[0]:
            tighter.append(f"{job.output.removeprefix('handouts/')} ({fitted.layout})")
    if problems:
        raise BuildFailed(problems)
    for output in sorted(pdfs):
        write_file(staging, output, pdfs[output])
        written.append(output)
    counts = {output: page_count(pdf) for output, pdf in pdfs.items()}
    for url, pdf in ({} if default_only else _bundles(result, pdfs)).items():
        write_file(staging, url, pdf)
        written.append(url)
        counts[url] = page_count(pdf)
    if lists:
        _write_lists(result, env, staging, counts)
    if not cache_folder:
        for cache in caches.values():
            cache.prune()
    progress(
        f"handouts: {len(pdfs)} PDFs in {len(editions)} editions ({default_paper} default; "
        f"{len(jobs)} rendered, {reused} reused from cache), {len(written) - len(pdfs)} bundles"
    )
    if tighter:  # close to the page limit: worth knowing before the next edit makes them too long
        progress(f"handouts set tighter to fit: {', '.join(tighter)}")
    return written


def _too_long(job: _Job, pages: int) -> Problem:
    what = "large-print handout" if job.large_print else "handout"
    return problem_at(
        job.inputs,
        1,
        1,
        f"the {job.audience} {what} runs to {pages} pages on {job.size} paper even in its most compact layout "
        f"(at most {job.max_pages}); shorten how_given.what_to_expect, the side-effect notes or used_for",
    )


def _render_all(jobs: list[_Job], css: str, paths: Paths) -> list[Fitted | list[Problem]]:
    """Render the PDFs, in parallel across processes when there are several and more than one core."""
    workers = min(len(jobs), int(os.environ.get(JOBS_ENV) or os.cpu_count() or 1))
    if workers <= 1:
        return [_render_one(job, css, paths) for job in jobs]
    # fork: the workers start at once with everything loaded; each loads WeasyPrint once for many PDFs.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_render_one, jobs, [css] * len(jobs), [paths] * len(jobs)))


_FETCHERS: dict[tuple[Path, Path], Any] = {}


def _render_one(job: _Job, css: str, paths: Paths) -> Fitted | list[Problem]:
    key = (paths.templates, paths.static)
    fetcher = _FETCHERS.get(key) or _FETCHERS.setdefault(key, local_only_fetcher([paths.templates, paths.static]))
    extras = LARGE_PRINT_EXTRAS if job.large_print else EXTRAS
    try:
        return fit(job.html, css, job.size, paths, fetcher, max_pages=job.max_pages, extras=extras)
    except BuildFailed as failed:  # returned, not raised: it crosses back from a worker process
        return failed.problems


def _bundles(result: BuildResult, pdfs: dict[str, bytes]) -> dict[str, bytes]:
    """One PDF per kind of treatment and audience: its drugs' handouts in the default edition, by name."""
    graph = result.graph
    out = {}
    for cls, by_audience in sorted(graph.class_drugs.items()):
        for audience, slugs in by_audience.items():
            parts = [pdfs[kinds.handout_url(slug, audience)] for slug in sorted(set(slugs))]
            if parts:
                out[kinds.handout_bundle_url(cls, audience)] = bundle(parts)
    return out


def _write_lists(result: BuildResult, env: jinja2.Environment, staging: Path, counts: dict[str, int]) -> None:
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
        write_file(staging, page.output, html)


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
    *,
    large_print: bool = False,
    clinic: model.Clinic | None = None,
) -> dict[tuple[str, str], str]:
    """The handout HTML for one drug page in every (layout, page-2 extra), in the site's Jinja environment."""
    template = env.get_template(TEMPLATE)
    context = handout_context(page, result, clinic=clinic)
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
    return html


def handout_context(page: Page, result: BuildResult, *, clinic: model.Clinic | None = None) -> dict[str, Any]:
    """What the handout template prints: the drug page's own view, plus what only paper needs."""
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
        "qr": qr_data_uri(address),
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
