#!/usr/bin/env python3
"""CPU time of the per-page HTML passes during one cold, one-process build, and a fingerprint of the pages
and grades, to compare two versions of the code on the same corpus (issue 10).

Run: python benchmarks/corpus.py 1000 /tmp/c1000 && python benchmarks/page_passes.py /tmp/c1000 /tmp/site
Run it from another checkout (PYTHONPATH=that checkout, in that checkout) for the figures before a change:
equal fingerprints mean byte-identical pages and identical reading grades.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from patientpages import parallel, pipeline, render, terms
from patientpages.pipeline import Builder, Paths

spent: dict[str, float] = {}


def timed(name: str, function: Callable) -> Callable:
    def run(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - started

    return run


def main() -> None:
    content, out = Path(sys.argv[1]), Path(sys.argv[2])
    parallel.reading_grade = timed("reading grade", parallel.reading_grade)
    pipeline.page_problems = timed("page checks", pipeline.page_problems)
    render._with_print_addresses = timed("print addresses", render._with_print_addresses)
    terms.TermLinker.link = timed("term linking", terms.TermLinker.link)  # type: ignore[method-assign]
    root = Path.cwd()
    started = time.process_time()
    result = Builder(Paths(content, root / "templates", root / "static", out), workers=1, cached=False).build(
        extras=False
    )
    whole = time.process_time() - started
    for name, seconds in spent.items():
        print(f"{name:16} {seconds:6.2f} s")
    print(f"{'the four':16} {sum(spent.values()):6.2f} s\n{'whole build':16} {whole:6.2f} s")
    pages = hashlib.sha256()
    for path in sorted(out.rglob("*.html")):
        pages.update(str(path.relative_to(out)).encode() + hashlib.sha256(path.read_bytes()).digest())
    grades = json.dumps(sorted(result.grades.items())).encode()
    print(f"pages  {pages.hexdigest()}\ngrades {hashlib.sha256(grades).hexdigest()}")


if __name__ == "__main__":
    main()
