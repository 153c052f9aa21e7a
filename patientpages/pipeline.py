"""The build, top to bottom: load → model → link → plan → render → write. Nothing is written until every
page has rendered, and site/ changes only when the whole build succeeded.

A `Builder` remembers what the last good build read (build_cache.py), so a rebuild re-reads only changed files,
renders again only the pages whose reads changed, and writes only the files whose bytes changed (outputs.py).
Everything is still loaded, checked and linked as a whole, so every problem is reported every time."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import time
import typing
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .build_cache import VERSION, BuildState, FileMemo, Looked, PageReads, digest, file_sha
from .content import read_content
from .errors import BuildCancelled, BuildFailed, Problem
from .file_access import Access, links_outside
from .kinds import handout_bundle_url, handout_editions, handout_url
from .link import SiteGraph, link
from .outputs import RenderedPages, SiteOutputs, Staged, finish_interrupted_commit
from .page_checks import page_problems
from .parallel import render_pages
from .plan import Page, plan
from .render import cross_link_url, environment
from .rules import content_warnings
from .site_files import NAMES as SITE_FILE_NAMES
from .site_files import site_files
from .terms import TermLinker, glossary_linker
from .tracking import Steps
from .views import Link
from .write import output_lock, refuse_unsafe_output


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
    # output path -> HTML, for the pages rendered this time (read back from the outputs when asked for)
    html: MutableMapping[str, str] = field(default_factory=dict)
    grades: dict[str, float | None] = field(default_factory=dict)
    seconds: float = 0.0
    files_written: int = 0
    extra_outputs: list[str] = field(default_factory=list)
    removed: int = 0  # pages of the last build that are gone (a record removed)
    previous: BuildState = field(default_factory=BuildState)  # what the last good build recorded
    state: BuildState = field(default_factory=BuildState)  # what this build records
    templates: dict[str, str] = field(default_factory=dict)  # template name -> digest of its source
    env: jinja2.Environment | None = None  # the build's Jinja environment, for extras to render with too
    # Set by the dev server: says a newer save came in, so the extras stop (BuildCancelled). None: nobody will.
    cancelled: Callable[[], bool] | None = None

    @property
    def rendered(self) -> int:
        return len(self.html)

    @property
    def reused(self) -> int:
        """Pages whose reads were unchanged, so their file in site/ was kept: every page not rendered this time
        (an extra that renders a kept page again, as the handout lists, makes it a rendered one)."""
        return len(self.pages) - len(self.html)

    def __getstate__(self) -> dict:
        # The Jinja environment and the cancel check belong to the running build; a stored result (a test
        # sharing one build across processes) keeps what was built.
        state = {k: v for k, v in self.__dict__.items() if k not in ("env", "cancelled")}
        return state | {"html": dict(self.html)}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, env=None, cancelled=None)

    warnings: list[Problem] = field(default_factory=list)  # content rules (rules.py): errors under --strict

    def overdue(self, today: dt.date) -> list[tuple[str, dt.date]]:
        return sorted((slug, due) for slug, due in self.graph.review_due.items() if due < today)


Progress = Callable[[str], None]
# Later stages (handout PDFs) plug in here: each gets the result and the site's outputs, returns the files it put.
Extra = Callable[[BuildResult, SiteOutputs, Paths, Progress], list[str]]


def load_site(paths: Paths, memo: FileMemo | None = None, steps: Steps | None = None) -> tuple[SiteGraph, list[Page]]:
    """Load, validate and link everything; raise with every problem found before any page is planned. With
    `steps` from the last build, only the pages whose reads changed are planned again."""
    problems: list[Problem] = []
    access = Access.of(paths.content, paths.templates, paths.static)
    for folder in (paths.templates, paths.static):
        problems += links_outside(folder, access)
    content = read_content(paths.content, problems, (paths.templates, paths.static), memo)
    if steps is not None:
        # The site settings and the glossary reach every step (review dates, term ids): a change to them redoes
        # them all.
        steps.refresh(content.tables(), whole=(content.site, content.glossary))
    graph = link(content, problems, steps)
    if problems:
        raise BuildFailed(problems)
    if steps is not None:
        steps.refresh(graph.tables())
    return graph, plan(graph, steps)


def build(
    paths: Paths,
    *,
    write: bool = True,
    extras: Sequence[Extra] = (),
    progress: Progress = lambda _: None,
    bar: bool = False,
) -> BuildResult:
    """One build from the command line: incremental from the cache beside the output folder when there is one.
    `bar` draws a progress bar (on a terminal) instead of progress lines."""
    builder = Builder(paths, extras=extras, cached=write)
    builder.bar = bar
    return builder.build(write=write, progress=progress)


class Builder:
    """Builds one site again and again. The dev server keeps one in memory; `build` loads one from the cache."""

    def __init__(
        self,
        paths: Paths,
        *,
        extras: Sequence[Extra] = (),
        cached: bool = True,
        workers: int | None = None,
        stays_loaded: bool = False,
    ):
        """`stays_loaded`: the Builder will be asked again and again (the dev server), so it notes the input
        files before each build and answers a save that changed nothing at once, and it keeps the cache on disk
        only when told to (`save`), after the page the editor waits for is written."""
        self.paths = paths
        self.extras = list(extras)
        self.cached = cached
        self.workers = workers
        self.state = BuildState.load(paths.out) if cached else BuildState()
        self.bar = False  # a progress bar on the terminal, rather than progress lines
        self.env = environment(paths.templates)  # kept: templates are compiled once, and again when they change
        self.compiled: dict[str, str] = {}  # the template digests `env` was last compiled for
        self.inputs = InputFiles((paths.content, paths.templates, paths.static))
        self.stays_loaded = stays_loaded
        self.unsaved = False  # a build whose state is not in the cache yet (see `save`)
        self.steps = Steps()  # each page's planning and what it read, so a rebuild replans only what changed
        self.last: tuple[BuildResult, dict[str, Looked], bool] | None = None  # result, inputs, extras

    def build(
        self,
        *,
        write: bool = True,
        extras: bool = True,
        progress: Progress = lambda _: None,
        cancelled: Callable[[], bool] | None = None,
    ) -> BuildResult:
        """Build, or rebuild what changed. With `extras` False the extras (handout PDFs) are left as the last
        build made them: the dev server shows the pages first and makes the PDFs in a second build, which
        stops (BuildCancelled, nothing written) when `cancelled()` says a newer save came in."""
        with _no_collector_pauses(self.stays_loaded):
            return self._build(write, extras, progress, cancelled)

    def _build(
        self, write: bool, extras: bool, progress: Progress, cancelled: Callable[[], bool] | None
    ) -> BuildResult:
        started = time.perf_counter()
        paths = self.paths
        if write:
            refuse_unsafe_output(
                paths.out, {"content": paths.content, "templates": paths.templates, "static": paths.static}
            )
        previous = self.state
        if write and (same := self._unchanged_since_last(extras)):
            same.seconds = time.perf_counter() - started
            return same
        inputs = self.inputs.record() if self.stays_loaded else {}
        memo = previous.files if self.cached else None
        if memo is not None and self.stays_loaded:
            memo.walked = inputs  # the files were just looked at: the memo need not stat or hash them again
        try:
            graph, pages = load_site(paths, memo, self.steps)
        finally:
            if memo is not None:
                memo.forget_unseen()
        progress(f"checked {graph.content.file_count()} content files; planned {len(pages)} pages")
        if not write:
            result = BuildResult(graph, pages, previous=BuildState())
            result.warnings = content_warnings(graph, self.steps)
            self._render(result, None, progress)
            result.seconds = time.perf_counter() - started
            return result
        with output_lock(paths.out):
            finish_interrupted_commit(paths.out)
            usable = previous.outputs if previous.outputs and paths.out.is_dir() else None
            outputs = SiteOutputs(paths.out, usable)
            try:  # files are staged as they are made; a build that stops leaves none of them behind
                result = BuildResult(graph, pages, previous=previous if usable is not None else BuildState())
                result.html = RenderedPages(outputs)
                result.state = BuildState(files=previous.files)
                result.env = self.env
                result.cancelled = cancelled
                result.warnings = content_warnings(graph, self.steps)
                self._render(result, outputs, progress)
                self._put_static(outputs)
                self._put_site_files(result, outputs)
                if extras:
                    for extra in self.extras:
                        if cancelled is not None and cancelled():
                            raise BuildCancelled
                        result.extra_outputs += extra(result, outputs, paths, progress)
                else:
                    result.extra_outputs = [p for p in result.previous.extra_outputs if outputs.intact(p)]
                    for path in result.extra_outputs:
                        outputs.keep(path)
                    result.state.handouts = dict(result.previous.handouts)
                    result.state.extra_keys = dict(result.previous.extra_keys)
                result.state.extra_outputs = list(result.extra_outputs)
                result.files_written = len(outputs.changed)
                result.removed = sum(1 for p in outputs.removed if p in result.previous.pages)
                if self.cached and self.stays_loaded:
                    # Saved later (`save`), once the editor's page is on screen: until then no cache describes
                    # site/, so a server killed meanwhile leaves the next build a full one, never a wrong one.
                    BuildState.discard(paths.out)
                result.state.outputs = outputs.commit()
            except BaseException:
                outputs.discard()
                raise
        result.state.version = VERSION
        self.state = result.state
        if self.cached:
            self.unsaved = True
            if not self.stays_loaded:
                self.save()
        if self.stays_loaded:
            self.last = (result, inputs, extras or not self.extras)
        result.seconds = time.perf_counter() - started
        return result

    def save(self) -> None:
        """Keep what the last build recorded in the cache beside site/, for the next command-line build."""
        if self.unsaved:
            self.state.save(self.paths.out)
            self.unsaved = False

    def _unchanged_since_last(self, extras: bool) -> BuildResult | None:
        """When not one input file (content, templates, static) changed since the last good build of this
        Builder and site/ is as it left it, that build's result stands: a save that changed nothing costs a
        look at each file's size and time. Otherwise None."""
        if self.last is None:
            return None
        last, stamps, extras_done = self.last
        if (extras and not extras_done) or not self.inputs.unchanged(stamps):
            return None
        outputs = SiteOutputs(self.paths.out, self.state.outputs)
        if not all(outputs.intact(path) for path in self.state.outputs):
            return None
        return BuildResult(
            last.graph, last.pages, grades=dict(last.grades), extra_outputs=list(last.extra_outputs),
            previous=self.state, state=self.state, templates=last.templates,
            warnings=list(last.warnings),
        )  # fmt: skip

    # ---------- pages ----------

    def _render(self, result: BuildResult, outputs: SiteOutputs | None, progress: Progress) -> None:
        """Render every page whose reads changed; keep the rest as they are in site/. The glossary comes last:
        its entries list the pages that use each term, which every page recorded when it was rendered."""
        paths, graph = self.paths, result.graph
        result.templates = result.state.templates = _template_digests(paths.templates)
        if result.templates != self.compiled:
            _compile_templates(self.env)
            self.compiled = result.templates
        # Every page reads the site settings, and the glossary (its terms are linked where first used).
        site_key = digest(repr(graph.content.site.record), repr([g.record for g in graph.content.glossary]))
        linker = glossary_linker(graph)
        pages = [p for p in result.pages if p.kind != "glossary"]
        files = _site_files(self.paths, result)  # for the page checks, run as each page is rendered
        flagged = self._render_some(result, outputs, pages, site_key, linker, None, progress, files)
        used_by: dict[str, list[Link]] = {}
        uses = []  # each page that links a term: its terms and its "used on" link, as plain text
        for page in pages:
            terms = result.state.pages[page.output].terms
            if terms:
                link = page.as_link  # made once a page: a rebuild reuses most pages
                for term_id in terms:
                    used_by.setdefault(term_id, []).append(link)
                uses.append(f"{' '.join(terms)}\t{link.title}\t{link.url}\t{link.note}\t{link.kind}")
        last = [p for p in result.pages if p.kind == "glossary"]
        # Keyed by the plain text of every "used on" link (a dataclass repr of thousands of links is slow).
        glossary_key = digest(site_key, "\n".join(uses))
        flagged += self._render_some(result, outputs, last, glossary_key, None, {"used_by": used_by}, progress, files)
        self._check_pages(result, outputs, files, flagged)

    def _render_some(
        self,
        result: BuildResult,
        outputs: SiteOutputs | None,
        pages: list[Page],
        site_key: str,
        linker: TermLinker | None,
        context: dict | None,
        progress: Progress,
        files: set[str],
    ) -> list[str]:
        """Render the pages whose reads changed, check each and stage it as it is made (in the worker that
        rendered it: the HTML is not sent back or kept); the pages the checks found a problem in."""
        graph, templates = result.graph, result.templates
        # Every page kept or rendered by the last build read that build's templates: when none changed since,
        # no page need look at its own.
        changed = None if templates == result.previous.templates else templates
        stale = []
        for page in pages:
            before = result.previous.pages.get(page.output)
            if outputs and before and _unchanged(before, site_key, page, graph, changed, outputs):
                outputs.keep(page.output)
                result.state.pages[page.output] = before
                result.grades[page.output] = before.grade
            else:
                stale.append(page)
        out = self.paths.out

        def finish(page: Page, html: str) -> tuple[str | Staged, bool, str]:
            flagged = bool(page_problems({page.output: html}, files, out))
            # The plan's digest too: a repr of the whole view, worth making in parallel on a full build.
            return (html if outputs is None else outputs.stage(page.output, html)), flagged, page.plan_digest

        if outputs is not None and stale:
            outputs.open_staging()  # before the workers fork, so they all stage into it
        rendered = render_pages(
            self.env, self.paths, graph, stale, linker=linker, context=context, workers=self.workers,
            site_pages=len(result.pages), progress=progress, bar=self.bar, finish=finish,
        )  # fmt: skip
        flagged = []
        for page, ((made, problems, plan_digest), reads, grade, terms) in zip(stale, rendered, strict=True):
            page.plan_digest = plan_digest  # as the worker found it (the same, where this process has it too)
            if isinstance(made, Staged) and isinstance(result.html, RenderedPages):
                typing.cast(SiteOutputs, outputs).note(page.output, made)
                result.html.staged(page.output)
            else:
                result.html[page.output] = typing.cast(str, made)
            if problems:
                flagged.append(page.output)
            result.grades[page.output] = grade
            read = {name: templates.get(name, "") for name in sorted(reads.templates)}
            result.state.pages[page.output] = PageReads(
                page.plan_digest, site_key, read, dict(reads.links), grade, terms
            )
        return flagged

    def _check_pages(
        self, result: BuildResult, outputs: SiteOutputs | None, files: set[str], flagged: list[str]
    ) -> None:
        """The cheap per-page checks ran on each page as it was rendered (`flagged`: where they found a problem).
        When the site's list of files changed (a removed stylesheet breaks pages that did not change), the pages
        kept from the last build are checked too. On any problem every page is checked, so the report is the
        same as a full build's."""
        result.state.site_files = digest(*sorted(files))
        whole = result.state.site_files != result.previous.site_files
        if not flagged and not whole:
            return
        pages = _PagesAsBuilt(result, outputs)
        out = self.paths.out
        if not flagged:
            kept = (path for path in pages if path not in result.html)
            if not any(page_problems({path: pages[path]}, files, out) for path in kept):
                return
        found = page_problems(pages, files, out)
        if found:
            raise BuildFailed(found)

    def _put_static(self, outputs: SiteOutputs) -> None:
        static = self.paths.static
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    outputs.put("static/" + path.relative_to(static).as_posix(), path.read_bytes())

    def _put_site_files(self, result: BuildResult, outputs: SiteOutputs) -> None:
        site = result.graph.content.site.record
        for name, text in site_files(result.pages, site).items():
            outputs.put(name, text)


@contextlib.contextmanager
def _no_collector_pauses(stays_loaded: bool) -> Iterator[None]:
    """Python's cycle collector, left on, walks every object the loaded site holds (hundreds of megabytes with
    a thousand drugs) several times a build: half a second of a one-page rebuild. A build makes few cycles and
    frees the rest as it goes, so the collector waits until the build is over. A Builder that stays loaded then
    collects what this build made and freezes the rest (gc.freeze), so later collections skip the loaded site;
    frozen objects are still freed when nothing refers to them."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            if stays_loaded:
                gc.collect(0)  # the collector was off, so everything this build made is in the youngest generation
                gc.freeze()
            gc.enable()


class InputFiles:
    """The size, time and content digest of every file under the input folders, to tell a save that changed
    nothing (an editor's save of the same bytes) from one that changed something."""

    def __init__(self, folders: tuple[Path, ...]):
        self.folders = folders
        self.files: dict[str, Looked] = {}  # path -> lstat and sha256 of the bytes, as last recorded
        self.walked: dict[str, os.stat_result] | None = None  # what `unchanged` found, for `record` to use

    def _walk(self) -> dict[str, os.stat_result]:
        """Every file's lstat. A symlink is noted as the link; the file it leads to is in the input folders too
        (content may link nowhere else), so a change to either is seen."""
        stats = {}
        pending = [os.fspath(folder) for folder in self.folders]
        while pending:
            try:
                found = os.scandir(pending.pop())
            except OSError:
                continue
            with found:
                for entry in found:
                    with contextlib.suppress(OSError):
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(entry.path)
                        else:
                            stats[entry.path] = entry.stat(follow_symlinks=False)
        return stats

    def _sha(self, path: str, info: os.stat_result) -> str:
        known = self.files.get(path)
        if known and _stamp(known[0]) == _stamp(info):
            return known[1]
        try:
            return file_sha(path)
        except OSError:
            return ""

    def record(self) -> dict[str, Looked]:
        """The files now (taken before a build reads them, so a save during the build is seen afterwards); the
        look `unchanged` just took, if it took one."""
        stats, self.walked = self.walked or self._walk(), None
        self.files = {path: (info, self._sha(path, info)) for path, info in stats.items()}
        return self.files

    def unchanged(self, before: dict[str, Looked]) -> bool:
        """No file added, removed, or with other bytes than in `before`."""
        self.walked = self._walk()
        if self.walked.keys() != before.keys():
            return False
        for path, info in self.walked.items():
            known = before[path]
            if _stamp(known[0]) != _stamp(info) and self._sha(path, info) != known[1]:
                return False
        return True


def _stamp(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_mtime_ns, info.st_size, info.st_ino


def _unchanged(
    before: PageReads, site: str, page: Page, graph: SiteGraph, templates: dict[str, str] | None, outputs: SiteOutputs
) -> bool:
    """The page read the same plan, site settings, templates and cross-link targets as last time, and its file is
    intact. `templates` None: no template changed since the last build."""
    if before.key != page.plan_digest or before.site != site:
        return False
    if templates is not None and any(templates.get(name) != sha for name, sha in before.templates.items()):
        return False
    try:
        if any(cross_link_url(graph, page, k, s) != url for (k, s), url in before.links.items()):
            return False
    except (KeyError, IndexError):  # a cross-link target that is gone: render, and let that report it
        return False
    return outputs.intact(page.output)


class _PagesAsBuilt(Mapping[str, str]):
    """Every page's HTML as this build leaves it, read one at a time when asked for (not all held at once)."""

    def __init__(self, result: BuildResult, outputs: SiteOutputs | None):
        self.result, self.outputs = result, outputs
        self.paths = [page.output for page in result.pages]

    def __getitem__(self, path: str) -> str:
        if path in self.result.html or self.outputs is None:
            return self.result.html[path]
        return self.outputs.read(path).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def _compile_templates(env: jinja2.Environment) -> None:
    """Compile every HTML template here, before rendering forks its workers: each worker then starts with them
    compiled, and so does the next rebuild in this process (a loaded Builder's first one-page rebuild otherwise
    spent 0.2 s compiling what the workers had compiled for themselves). Jinja keeps them; the Builder calls this
    again only when a template changed. A template with a mistake is left for rendering to report with its
    page."""
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)


def _template_digests(templates: Path) -> dict[str, str]:
    if not templates.is_dir():
        return {}
    return {
        p.relative_to(templates).as_posix(): digest(p.read_bytes()) for p in sorted(templates.rglob("*")) if p.is_file()
    }


def _site_files(paths: Paths, result: BuildResult) -> set[str]:
    """Every file the finished site will hold, including the handouts made after the pages."""
    files = {p.output for p in result.pages} | set(SITE_FILE_NAMES)
    if paths.static.is_dir():
        files |= {"static/" + p.relative_to(paths.static).as_posix() for p in paths.static.rglob("*") if p.is_file()}
    graph = result.graph
    editions = handout_editions(graph.content.site.record.handout_paper)
    files |= {handout_url(slug, audience, e if e.suffix else None) for slug, audience in graph.uses for e in editions}
    files |= {
        handout_bundle_url(c, a) for c, by_audience in graph.class_drugs.items() for a, s in by_audience.items() if s
    }
    return files
