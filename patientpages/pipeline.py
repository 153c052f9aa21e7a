"""The build, top to bottom: load → model → link → plan → render → write. Nothing is written until every
page has rendered, and site/ is replaced only when the whole build succeeded."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import kinds
from .content import read_content
from .errors import BuildFailed, Problem
from .file_access import Access, links_outside
from .kinds import handout_bundle_url, handout_editions, handout_url
from .link import SiteGraph, link
from .page_checks import page_problems
from .plan import Page, plan
from .policy import HEADERS_FILE_TEXT
from .reading import reading_grade
from .render import environment, render, root_of, template_problem
from .rules import content_warnings
from .site_files import site_files
from .terms import glossary_linker
from .views import Link
from .write import copy_static, output_lock, refuse_unsafe_output, staged, write_file


@dataclass(frozen=True)
class Paths:
    content: Path
    templates: Path
    static: Path
    out: Path

    @classmethod
    def under(cls, root: Path, out: Path | None = None) -> Paths:
        return cls(root / "content", root / "templates", root / "static", out or root / "site")


@dataclass
class BuildResult:
    graph: SiteGraph
    pages: list[Page]
    html: dict[str, str] = field(default_factory=dict)  # output path -> HTML
    grades: dict[str, float | None] = field(default_factory=dict)
    seconds: float = 0.0
    files_written: int = 0
    extra_outputs: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # content rules (rules.py): errors under --strict

    def overdue(self, today: dt.date) -> list[tuple[str, dt.date]]:
        return sorted((slug, due) for slug, due in self.graph.review_due.items() if due < today)


Progress = Callable[[str], None]
# Later stages (handout PDFs) plug in here: each gets the result and the staging folder, returns files written.
Extra = Callable[[BuildResult, Path, Paths, Progress], list[str]]


def load_site(paths: Paths) -> tuple[SiteGraph, list[Page]]:
    """Load, validate and link everything; raise with every problem found before any page is planned."""
    problems: list[Problem] = []
    access = Access.of(paths.content, paths.templates, paths.static)
    for folder in (paths.templates, paths.static):
        problems += links_outside(folder, access)
    graph = link(read_content(paths.content, problems, (paths.templates, paths.static)), problems)
    if problems:
        raise BuildFailed(problems)
    return graph, plan(graph)


def render_all(
    paths: Paths, graph: SiteGraph, pages: list[Page], *, progress: Progress = lambda _: None
) -> dict[str, str]:
    """Render every page. The glossary comes last: its entries list the pages that use each term, which is
    known only once those pages have been rendered with their glossary links."""
    env = environment(paths.templates)
    linker = glossary_linker(graph)
    html, problems = {}, []
    used_by: dict[str, list[Link]] = {}
    ordered = sorted(pages, key=lambda p: p.kind == "glossary")
    for n, page in enumerate(ordered, 1):
        try:
            if page.kind == "glossary":
                html[page.output] = render(page, env, graph, {"used_by": used_by})
            else:
                text, used = linker.link(render(page, env, graph), root_of(page, graph) + kinds.GLOSSARY_URL)
                html[page.output] = text
                for term_id in used:
                    used_by.setdefault(term_id, []).append(Link(page.title, page.url, _audience_label(page)))
        except Exception as err:
            problem = template_problem(err, paths.templates / page.template, page.output)
            if problem is None:
                raise
            problems.append(problem)
        if n % 25 == 0:
            progress(f"rendered {n}/{len(pages)} pages")
    if problems:
        raise BuildFailed(problems)
    return {page.output: html[page.output] for page in pages if page.output in html}


def _audience_label(page: Page) -> str:
    return page.audience.for_readers if page.audience else ""


def build(
    paths: Paths, *, write: bool = True, extras: Sequence[Extra] = (), progress: Progress = lambda _: None
) -> BuildResult:
    started = time.perf_counter()
    if write:
        refuse_unsafe_output(
            paths.out, {"content": paths.content, "templates": paths.templates, "static": paths.static}
        )
    graph, pages = load_site(paths)
    progress(f"checked {len(graph.content.files())} content files; planned {len(pages)} pages")
    result = BuildResult(graph, pages, render_all(paths, graph, pages, progress=progress))
    machine_files = site_files(pages, graph.content.site.record)
    found = page_problems(result.html, _all_files(paths, result, machine_files), paths.out)
    if found:
        raise BuildFailed(found)
    result.warnings = content_warnings(graph)
    result.grades = {out: reading_grade(text) for out, text in result.html.items()}
    if write:
        with output_lock(paths.out), staged(paths.out) as staging:
            for out, text in result.html.items():
                write_file(staging, out, text)
            copy_static(paths.static, staging)
            write_file(staging, "_headers", HEADERS_FILE_TEXT)
            for name, text in machine_files.items():
                write_file(staging, name, text)
            for extra in extras:
                result.extra_outputs += extra(result, staging, paths, progress)
            result.files_written = sum(1 for p in staging.rglob("*") if p.is_file())
    result.seconds = time.perf_counter() - started
    return result


def _all_files(paths: Paths, result: BuildResult, machine_files: dict[str, str]) -> set[str]:
    """Every file the finished site will hold, including the handouts made after the pages."""
    files = {*result.html, *machine_files, "_headers"}
    if paths.static.is_dir():
        files |= {"static/" + p.relative_to(paths.static).as_posix() for p in paths.static.rglob("*") if p.is_file()}
    graph = result.graph
    editions = handout_editions(graph.content.site.record.handout_paper)
    files |= {handout_url(slug, audience, e if e.suffix else None) for slug, audience in graph.uses for e in editions}
    files |= {
        handout_bundle_url(c, a) for c, by_audience in graph.class_drugs.items() for a, s in by_audience.items() if s
    }
    return files
