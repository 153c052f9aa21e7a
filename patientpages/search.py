"""Offline full-text search: a Pagefind index written beside the pages, searched in the reader's browser.

Pagefind reads the built HTML: only `<main data-pagefind-body>` is indexed, names carry extra weight
(`data-pagefind-weight`), and each page says its kind and audience (`data-pagefind-filter`/`-meta`), all set in
the templates. The index is static files, so search needs no server and sends no query anywhere. The binary
ships inside the `pagefind[extended]` package from PyPI: nothing is downloaded at build time.

It is a build extra (`pipeline.Extra`), run after every page is in the staging folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from . import kinds
from .errors import BuildFailed, problem_at
from .pipeline import BuildResult, Paths, Progress

# Pagefind's ready-made interfaces: static/search.js is ours (no inline styles, our own markup), so these are
# left out of the site rather than shipped unused.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")  # fmt: skip
TIMEOUT_SECONDS = 300


def write_search_index(result: BuildResult, staging: Path, paths: Paths, progress: Progress) -> list[str]:
    folder = kinds.SEARCH_INDEX_FOLDER.rstrip("/")
    command = [sys.executable, "-m", "pagefind", "--site", str(staging), "--output-subdir", folder, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise BuildFailed([_problem(paths, f"the search index could not be built: {err}")]) from err
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        raise BuildFailed([_problem(paths, "the search index could not be built: " + (why[-1] if why else "?"))])
    bundle = staging / folder
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    shutil.rmtree(bundle / "playground", ignore_errors=True)
    written = sorted(str(p.relative_to(staging)) for p in bundle.rglob("*") if p.is_file())
    size = sum((staging / w).stat().st_size for w in written)
    progress(f"search: indexed {len(result.pages)} pages into {len(written)} files ({size / 1024:.0f} KB)")
    return written


def _problem(paths: Paths, message: str):
    return problem_at(paths.templates / "base.html", 1, 1, message)
