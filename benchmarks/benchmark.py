#!/usr/bin/env python3
"""Measure build speed and output size. Run: python benchmarks/benchmark.py [--scale 1 5 10] [--json FILE]

Speed and size are measured here, not asserted in tests: timings on a shared 2-core machine are noisy, so the
script repeats each build and reports the best and the median.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from patientpages.handouts import write_handouts  # noqa: E402
from patientpages.pipeline import Paths, build  # noqa: E402


def timed(fn, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return {"best_s": round(min(runs), 3), "median_s": round(statistics.median(runs), 3), "runs": len(runs)}


def scaled_content(factor: int, into: Path) -> Path:
    """The real content with every drug copied `factor` times, to see how the build grows."""
    content = into / f"content-x{factor}"
    shutil.copytree(ROOT / "content", content)
    for record in sorted((content / "drugs").glob("*.yaml")):
        for n in range(2, factor + 1):
            slug = f"{record.stem}-copy{n}"
            shutil.copy(record, record.with_name(f"{slug}.yaml"))
            for narrative in record.parent.glob(f"{record.stem}.*.md"):
                audience = narrative.name.split(".")[-2]
                shutil.copy(narrative, record.with_name(f"{slug}.{audience}.md"))
    return content


def sizes(site: Path) -> dict:
    html = sorted(p.stat().st_size for p in site.rglob("*.html"))
    pdf = sorted(p.stat().st_size for p in site.rglob("*.pdf"))
    css = sum(p.stat().st_size for p in site.rglob("*.css"))
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return {
        "total_kb": round(total / 1024, 1),
        "pages": len(html),
        "html_median_kb": round(statistics.median(html) / 1024, 1),
        "html_max_kb": round(html[-1] / 1024, 1),
        "css_kb": round(css / 1024, 1),
        "pdfs": len(pdf),
        "pdf_median_kb": round(statistics.median(pdf) / 1024, 1) if pdf else 0,
        "pdf_max_kb": round(pdf[-1] / 1024, 1) if pdf else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=int, nargs="*", default=[1, 5, 10], help="copies of every drug to build (default: 1 5 10)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "site"
        paths = Paths(ROOT / "content", ROOT / "templates", ROOT / "static", out)
        cache = out.with_name(".handout-cache")

        def cold():
            shutil.rmtree(cache, ignore_errors=True)
            build(paths, extras=[write_handouts])

        results["full build, handouts rendered (cold)"] = timed(cold, args.repeat)
        results["full build, handouts reused (warm)"] = timed(
            lambda: build(paths, extras=[write_handouts]), args.repeat
        )
        results["site size"] = sizes(out)
        results["check (no writing)"] = timed(lambda: build(paths, write=False), args.repeat)
        for factor in args.scale:
            content = scaled_content(factor, tmp)
            scaled = Paths(content, paths.templates, paths.static, tmp / f"site-x{factor}")
            drugs = len(list((content / "drugs").glob("*.yaml")))
            timing = timed(lambda scaled=scaled: build(scaled), args.repeat)
            results[f"HTML-only build, {drugs} drugs"] = timing | {
                "ms_per_page": round(1000 * timing["best_s"] / sizes(scaled.out)["pages"], 2)
            }
    width = max(map(len, results))
    for name, values in results.items():
        print(f"{name:<{width}}  " + "  ".join(f"{k}={v}" for k, v in values.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
