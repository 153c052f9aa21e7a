#!/usr/bin/env python3
"""Measure build speed, memory and output size. Run: python benchmarks/benchmark.py [--drugs 250 1000 2000]

For each N, a synthetic corpus of N drugs (benchmarks/corpus.py) is built in a child process that keeps the
site loaded, as the dev server does: cold build, no-op rebuild, one drug record edited, one template edited,
ms per page and peak memory (the child's maxrss after its cold build). Where `hugo` is installed, the same
corpus is built by Hugo (benchmarks/hugo_corpus.py) and the ratio printed. `--real` adds the real content
with handout PDFs. Speed is measured here, not asserted in tests: a shared 2-core machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "benchmarks"))

from corpus import generate  # noqa: E402
from hugo_corpus import write_hugo_site  # noqa: E402

from patientpages.handouts import write_handouts  # noqa: E402
from patientpages.pipeline import Builder, BuildResult, Paths, build  # noqa: E402

EDITED_DRUG = "drug-0000"
EDITED_TEMPLATE = "partials/reviewed.html"  # the review line on every record page
RECORD_EDITS = 5


def timed(fn, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return {"best_s": round(min(runs), 3), "median_s": round(statistics.median(runs), 3), "runs": len(runs)}


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


def seconds_since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children: the forked page-rendering workers are children,
    and a pool's workers are reaped before the build returns, so their time is counted too."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed_build(builder: Builder) -> tuple[dict, BuildResult]:
    """Wall time, and CPU time of this process and its workers: on a shared machine the CPU time is the
    steadier figure."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = builder.build()
    return {"s": seconds_since(wall), "cpu_s": round(cpu_seconds() - cpu, 3)}, result


def loaded_site_timings(content: Path, templates: Path, out: Path, cold_only: bool) -> dict:
    """Run in the child process: every build is a call in this one process, so interpreter start-up and
    imports are not counted, as in the dev server: one Builder kept in memory, rebuilding incrementally."""
    paths = Paths(content, templates, ROOT / "static", out)
    builder = Builder(paths, stays_loaded=True)
    cold, result = timed_build(builder)
    peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # kB on Linux
    pages = len(result.html)
    figures = {
        "pages": pages,
        "cold_s": cold["s"],
        "cold_cpu_s": cold["cpu_s"],
        "ms_per_page": round(1000 * cold["s"] / pages, 1),
        "cpu_ms_per_page": round(1000 * cold["cpu_s"] / pages, 1),
        "peak_mb": peak_mb,
    }
    if cold_only:
        return figures
    figures["no_op_s"] = timed_build(builder)[0]["s"]

    record = content / "drugs" / f"{EDITED_DRUG}.yaml"
    edits = []
    for n in range(RECORD_EDITS):  # the median of several, as one edit's time swings with the machine's load
        record.write_text(record.read_text().replace("what_it_is: ", f"what_it_is: Edited record {n}. ", 1))
        edits.append(timed_build(builder)[0])
        assert f"Edited record {n}." in (out / "adults" / EDITED_DRUG / "index.html").read_text(), "edit not on disk"
    figures["record_edit_s"] = statistics.median(e["s"] for e in edits)
    figures["record_edit_cpu_s"] = statistics.median(e["cpu_s"] for e in edits)

    template = templates / EDITED_TEMPLATE
    template.write_text(template.read_text().replace("Last reviewed:", "Last checked:", 1))
    figures["template_edit_s"] = timed_build(builder)[0]["s"]
    assert "Last checked:" in (out / "adults" / EDITED_DRUG / "index.html").read_text(), "edit not on disk"
    return figures


def run_measured(command: list[str], **kwargs) -> tuple[dict, subprocess.Popen]:
    """Wall time, CPU time and peak memory (MB) of one child process, from its own rusage."""
    started = time.perf_counter()
    child = subprocess.Popen(command, **kwargs)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = round(usage.ru_utime + usage.ru_stime, 3)
    return {"s": seconds_since(started), "cpu_s": cpu, "peak_mb": round(usage.ru_maxrss / 1024)}, child


def measure_corpus(drugs: int, tmp: Path, hugo: str | None, cold_only: bool, hugo_skipped: str = "") -> dict:
    content = generate(drugs, tmp / f"content-{drugs}")
    templates = tmp / f"templates-{drugs}"
    shutil.copytree(ROOT / "templates", templates)
    child = [sys.executable, __file__, "--child", str(content), str(templates), str(tmp / f"site-{drugs}")]
    _, process = run_measured(child + (["--cold-only"] if cold_only else []), stdout=subprocess.PIPE, text=True)
    output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"build of {drugs} drugs failed (exit {process.returncode})")
    figures = json.loads(output.splitlines()[-1])
    if hugo is None:
        figures["hugo"] = hugo_skipped
        return figures
    site = write_hugo_site(generate(drugs, tmp / f"content-{drugs}-hugo"), tmp / f"hugo-{drugs}")
    hugo_run, process = run_measured([hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")])
    if process.returncode != 0:
        raise SystemExit(f"hugo failed on {drugs} drugs (exit {process.returncode})")
    figures |= {
        "hugo_pages": len(list((site / "public").rglob("*.html"))),
        "hugo_cold_s": hugo_run["s"],
        "hugo_cold_cpu_s": hugo_run["cpu_s"],
        "hugo_peak_mb": hugo_run["peak_mb"],
        "ratio": f"{figures['cold_s'] / hugo_run['s']:.1f}x",
        "cpu_ratio": f"{figures['cold_cpu_s'] / hugo_run['cpu_s']:.1f}x",
    }
    return figures


def real_content(repeat: int) -> dict:
    """The real content, with handout PDFs rendered (cold) and reused (warm)."""
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        paths = Paths(ROOT / "content", ROOT / "templates", ROOT / "static", out)
        cache = out.with_name(".handout-cache")

        def cold():
            shutil.rmtree(cache, ignore_errors=True)
            build(paths, extras=[write_handouts])

        results["real content, handouts rendered (cold)"] = timed(cold, repeat)
        results["real content, handouts reused (warm)"] = timed(lambda: build(paths, extras=[write_handouts]), repeat)
        results["real content, site size"] = sizes(out)
        results["real content, check (no writing)"] = timed(lambda: build(paths, write=False), repeat)
    return results


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        content, templates, out = map(Path, sys.argv[2:5])
        print(json.dumps(loaded_site_timings(content, templates, out, "--cold-only" in sys.argv)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--drugs", type=int, nargs="*", default=[250, 1000, 2000], help="corpus sizes (default: 250 1000 2000)"
    )
    parser.add_argument("--no-hugo", action="store_true", help="do not build the Hugo corpus")
    parser.add_argument("--cold-only", action="store_true", help="time the cold build only, not the rebuilds")
    parser.add_argument("--real", action="store_true", help="also time the real content with handout PDFs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each real-content build")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    hugo = None if args.no_hugo else shutil.which("hugo")
    print("Synthetic corpus, HTML only. Rebuilds are incremental, in one loaded Builder (as the dev server);")
    print("rebuilds are timed in the process that keeps the site loaded, without interpreter start-up.")
    hugo_skipped = "not asked for" if args.no_hugo else "hugo not installed: skipped"
    if hugo is None:
        print(f"Hugo: {hugo_skipped}")
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for drugs in args.drugs:
            results[f"{drugs} drugs"] = measure_corpus(drugs, Path(tmp), hugo, args.cold_only, hugo_skipped)
            print(f"{drugs} drugs  " + "  ".join(f"{k}={v}" for k, v in results[f"{drugs} drugs"].items()))
    if args.real:
        real = real_content(args.repeat)
        for name, values in real.items():
            print(f"{name}  " + "  ".join(f"{k}={v}" for k, v in values.items()))
        results |= real
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
