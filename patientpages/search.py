"""Offline full-text search: a Pagefind index written beside the pages, searched in the reader's browser.

Pagefind reads the built HTML: only `<main data-pagefind-body>` is indexed, names carry extra weight
(`data-pagefind-weight`), and each page says its kind and audience (`data-pagefind-filter`/`-meta`), all set in
the templates. The index is static files, so search needs no server and sends no query anywhere. The binary
ships inside the `pagefind[extended]` package from PyPI: nothing is downloaded at build time.

It is a build extra (`pipeline.Extra`), run after every page is rendered; the index is made again only when a
page changed.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import kinds
from .build_cache import digest
from .errors import BuildFailed, problem_at
from .outputs import SiteOutputs
from .pipeline import BuildResult, Paths, Progress
from .write import write_file

# Pagefind's ready-made interfaces: static/search.js is ours (no inline styles, our own markup), so these are
# left out of the site rather than shipped unused.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")  # fmt: skip
TIMEOUT_SECONDS = 300


def write_search_index(result: BuildResult, outputs: SiteOutputs, paths: Paths, progress: Progress) -> list[str]:
    """Index every page. Pagefind reads a folder of HTML, so the pages are laid out in a temporary folder; when
    not one page's bytes changed since the last build, the index in site/ is kept as it is."""
    folder = kinds.SEARCH_INDEX_FOLDER.rstrip("/")
    pages = sorted(p.output for p in result.pages if p.output.endswith(".html"))
    key = digest(_pagefind_version(), *(f"{p}:{outputs.present[p].sha}" for p in pages))
    kept = [p for p in result.previous.extra_outputs if p.startswith(folder + "/")]
    if result.previous.extra_keys.get("search") == key and kept and all(outputs.intact(p) for p in kept):
        for path in kept:
            outputs.keep(path)
        result.state.extra_keys["search"] = key
        progress(f"search: index unchanged ({len(kept)} files)")
        return kept
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        for page in pages:
            write_file(site, page, outputs.read(page))
        _run_pagefind(site, folder, paths)
        bundle = site / folder
        written = sorted(p.relative_to(site).as_posix() for p in bundle.rglob("*") if p.is_file())
        for name in written:
            outputs.put(name, (site / name).read_bytes())
        size = sum((site / w).stat().st_size for w in written)
    result.state.extra_keys["search"] = key
    progress(f"search: indexed the pages into {len(written)} files ({size / 1024:.0f} KB)")
    return written


def _run_pagefind(site: Path, folder: str, paths: Paths) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", folder, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise BuildFailed([_problem(paths, f"the search index could not be built: {err}")]) from err
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        raise BuildFailed([_problem(paths, "the search index could not be built: " + (why[-1] if why else "?"))])
    bundle = site / folder
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    shutil.rmtree(bundle / "playground", ignore_errors=True)


def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _problem(paths: Paths, message: str):
    return problem_at(paths.templates / "base.html", 1, 1, message)
