"""Rendering many pages (or PDFs) across processes, with output identical to rendering them in one.

Worker processes are forked after the site is loaded and planned, so they start with the whole site graph in
memory and nothing is sent to them but page numbers. Starting workers costs about a tenth of a second, so a
pool is used only when there is enough work to pay for it and more than one core to run it on.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import jinja2

from . import kinds
from .errors import BuildFailed, Problem
from .link import SiteGraph
from .plan import Page
from .reading import reading_grade
from .render import Reads, render, root_of, template_problem
from .terms import TermLinker

T = TypeVar("T")
R = TypeVar("R")
MIN_PAGES_PER_WORKER = 100  # below this a worker costs more to start than it saves
MIN_PDFS_PER_WORKER = 3  # a PDF takes a good part of a second, so a few are enough

_job: Callable[[Any], Any] | None = None  # what forked workers run; set just before the pool forks


def _run(item: Any) -> Any:
    assert _job is not None
    return _job(item)


def worker_count(items: int, per_worker: int, workers: int | None = None) -> int:
    """How many processes to use: `workers` if given, else one per core while each gets enough work."""
    if workers is not None:
        return max(1, min(workers, items))
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, items // per_worker))


def map_in_order(
    job: Callable[[T], R], items: Sequence[T], workers: int, on_done: Callable[[], None] = lambda: None
) -> list[R]:
    """`[job(i) for i in items]`, in `workers` forked processes when more than one."""
    if workers <= 1 or len(items) <= 1:
        out = []
        for item in items:
            out.append(job(item))
            on_done()
        return out
    global _job
    _job = job
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            out = []
            for value in pool.imap(_run, items, chunksize=max(1, len(items) // (workers * 8))):
                out.append(value)
                on_done()
            return out
    finally:
        _job = None


def render_pages(
    env: jinja2.Environment,
    paths: Any,
    graph: SiteGraph,
    pages: list[Page],
    *,
    linker: TermLinker | None = None,
    context: dict[str, Any] | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] = lambda _: None,
    bar: bool = False,
    finish: Callable[[Page, str], Any] = lambda _, html: html,
) -> list[tuple[Any, Reads, float | None, list[str]]]:
    """Each page's HTML (or what `finish` makes of it, in the worker: the HTML need not travel back), what it
    read, its reading grade and the glossary terms it links (with a `linker`); every template mistake reported
    together."""

    def one(index: int) -> tuple[Any, Reads, float | None, list[str]] | Problem:
        page = pages[index]
        reads = Reads()
        used: list[str] = []
        try:
            html = render(page, env, graph, context, reads)
            if linker is not None:
                html, used = linker.link(html, root_of(page, graph) + kinds.GLOSSARY_URL)
        except Exception as err:
            problem = template_problem(err, paths.templates / page.template, page.output)
            if problem is None:
                raise
            return problem
        return finish(page, html), reads, reading_grade(html), used

    count = worker_count(len(pages), MIN_PAGES_PER_WORKER, workers)
    with _progress(len(pages), "pages", progress, bar) as done:
        results = map_in_order(one, range(len(pages)), count, done)
    problems = [r for r in results if isinstance(r, Problem)]
    if problems:
        raise BuildFailed(problems)
    return [r for r in results if not isinstance(r, Problem)]


class _progress:
    """A bar with pages per second on a terminal (tqdm); otherwise a plain line every 25 pages."""

    def __init__(self, total: int, unit: str, progress: Callable[[str], None], bar: bool):
        self.total, self.unit, self.progress, self.n = total, unit, progress, 0
        self.bar = None
        if bar and total >= 25 and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit[:-1], desc="rendering", leave=False, file=sys.stderr)

    def __enter__(self) -> Callable[[], None]:
        return self.step

    def step(self) -> None:
        self.n += 1
        if self.bar is not None:
            self.bar.update()
        elif self.n % 25 == 0:
            self.progress(f"rendered {self.n}/{self.total} {self.unit}")

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
