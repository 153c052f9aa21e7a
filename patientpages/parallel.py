"""Rendering many pages (or PDFs) across processes, with output identical to rendering them in one.

Worker processes are forked after the site is loaded and planned, so they start with the whole site graph in
memory and nothing is sent to them but page numbers. Starting workers costs about a tenth of a second, so a
pool is used only when there is enough work to pay for it and more than one core to run it on.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import jinja2

from . import kinds
from .errors import BuildCancelled, BuildFailed, Problem
from .link import SiteGraph
from .plan import Page
from .reading import reading_grade
from .render import Reads, render, root_of, template_problem
from .terms import TermLinker

T = TypeVar("T")
R = TypeVar("R")
# Below this many pages a worker costs more to start than it saves. A forked worker copies what memory it
# touches, so in a big site the bar is higher: a twentieth of the site's pages (a drug edit in a 1,000-drug
# site renders its few dozen pages faster in one process; a brand-name edit in a small site, in two).
MIN_PAGES_PER_WORKER, SITE_SHARE_PER_WORKER = 20, 20
MIN_PDFS_PER_WORKER = 3  # a PDF takes a good part of a second, so a few are enough
CANCEL_POLL_SECONDS = 0.05

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
    job: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    on_done: Callable[[], None] = lambda: None,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> list[R]:
    """`[job(i) for i in items]`, in `workers` forked processes when more than one.

    With `cancelled` (the dev server), the work always runs in forked processes, even one: the server's own
    process stays free to send the reloaded page (the workers run at low priority), and when `cancelled()`
    turns true the workers are stopped within a twentieth of a second (BuildCancelled), so a newer save never
    waits for the PDFs of an older one."""
    if not items:
        return []
    if cancelled is None and (workers <= 1 or len(items) <= 1):
        out = []
        for item in items:
            out.append(job(item))
            on_done()
        return out
    global _job
    _job = job
    workers = max(1, workers)
    try:
        # Work that a newer save may cancel is background work: it yields the processor to the next rebuild.
        initializer = None if cancelled is None else _lower_priority
        with multiprocessing.get_context("fork").Pool(workers, initializer) as pool:
            values: Iterator[Any]
            if cancelled is None:
                values = pool.imap(_run, items, chunksize=max(1, len(items) // (workers * 8)))
            else:  # one item at a time (PDFs are few and slow), so the wait can be cut short
                values = _unless_cancelled(pool.imap(_run, items), len(items), cancelled)
            out = []
            for value in values:
                out.append(value)
                on_done()
            return out  # leaving the `with` early (BuildCancelled, or any error) stops the workers
    finally:
        _job = None


def _lower_priority() -> None:
    os.nice(10)


def _unless_cancelled(values: Any, count: int, cancelled: Callable[[], bool]) -> Iterator[Any]:
    """The pool's results as they come, looking at `cancelled()` every CANCEL_POLL_SECONDS while waiting."""
    for _ in range(count):
        while True:
            try:
                yield values.next(timeout=CANCEL_POLL_SECONDS)
                break
            except multiprocessing.TimeoutError:
                if cancelled():
                    raise BuildCancelled from None


def render_pages(
    env: jinja2.Environment,
    paths: Any,
    graph: SiteGraph,
    pages: list[Page],
    *,
    linker: TermLinker | None = None,
    context: dict[str, Any] | None = None,
    site_pages: int,
    workers: int | None = None,
    progress: Callable[[str], None] = lambda _: None,
    bar: bool = False,
    finish: Callable[[Page, str], Any] = lambda _, html: html,
) -> list[tuple[Any, Reads, float | None, list[str]]]:
    """Each page's HTML (or what `finish` makes of it, in the worker: the HTML need not travel back), what it
    read, its reading grade and the glossary terms it links (with a `linker`); every template mistake reported
    together. `site_pages`, the size of the whole site, decides whether workers pay (MIN_PAGES_PER_WORKER)."""

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

    per_worker = max(MIN_PAGES_PER_WORKER, site_pages // SITE_SHARE_PER_WORKER)
    count = worker_count(len(pages), per_worker, workers)
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
