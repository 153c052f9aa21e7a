#!/usr/bin/env python3
"""How long an editor waits after a save, on the real content: a YAML edit, a Markdown edit and a save that
changes nothing. Run: python benchmarks/save_to_screen.py [--repeat 5] [--browser] [--no-handouts]

Rebuild times are measured in a process that keeps the site loaded, as the dev server does (time until the
changed page is on disk). With --browser it also runs `build.py serve` and measures, in headless Chromium,
the time from the save until the open page shows the change (its first paint after the reload), and when
Playwright found it. Older code without `Builder` is measured with a full build per save, so the same script
gives the before and after figures.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from patientpages import pipeline  # noqa: E402

DRUG = "blinatumomab"
YAML_FILE = f"drugs/{DRUG}.yaml"
MD_FILE = f"drugs/{DRUG}.adult.md"
PAGE = f"adults/{DRUG}/index.html"


def edits(content: Path):
    """Each kind of save: (name, edit n, the text page PAGE then shows, or None for a save that changes nothing)."""

    def yaml_edit(n: int) -> str:
        path = content / YAML_FILE
        marker = f"Blinmark{n}"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines = [f"brand_names: [Blincyto, {marker}]" if line.startswith("brand_names:") else line for line in lines]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return marker

    def md_edit(n: int) -> str:
        path = content / MD_FILE
        marker = f"Saved edit number {n}."
        path.write_text(path.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
        return marker

    def no_change(n: int) -> None:
        path = content / YAML_FILE
        path.write_bytes(path.read_bytes())

    return [("YAML edit", yaml_edit), ("Markdown edit", md_edit), ("no-op rebuild", no_change)]


def in_process(content: Path, out: Path, repeat: int, handouts: bool) -> dict[str, float]:
    paths = pipeline.Paths(content, ROOT / "templates", ROOT / "static", out)
    extras = []
    if handouts:
        from patientpages.handouts import write_handouts

        extras = [write_handouts]
    if hasattr(pipeline, "Builder"):
        builder = pipeline.Builder(paths, extras=extras, stays_loaded=True)
        # As the dev server does: the pages first (on disk, the open page reloads), then the handout PDFs.
        rebuild = lambda: builder.build(extras=False)  # noqa: E731
        then = builder.build
    else:
        rebuild = lambda: pipeline.build(paths, extras=extras)  # noqa: E731
        then = lambda: None  # noqa: E731
    rebuild()
    results = {}
    for name, edit in edits(content):
        runs = []
        for n in range(repeat):
            marker = edit(n + 100 * len(results))
            started = time.perf_counter()
            rebuild()
            runs.append(time.perf_counter() - started)
            assert marker is None or marker in (out / PAGE).read_text(encoding="utf-8"), name
            then()
        results[name] = statistics.median(runs)
    return results


# When this page first painted, in ms since the epoch (the same clock as Python's time.time()).
_FIRST_PAINT_JS = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  if (!paint) throw new Error('no first-contentful-paint entry');
  return performance.timeOrigin + paint.startTime;
}"""


def in_browser(content: Path, out: Path, repeat: int, handouts: bool) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import fetch, free_port, wait_for

    from patientpages.checks.browser import launched_browser

    port = free_port()
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--content", str(content)]
    command += ["--out", str(out), "--root", str(ROOT)] + ([] if handouts else ["--no-handouts"])
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {}
    try:
        url = f"http://127.0.0.1:{port}/{PAGE.removesuffix('index.html')}"
        wait_for(lambda: fetch(url), seconds=300)
        with launched_browser() as browser:
            page = browser.new_page()
            page.goto(url, wait_until="load")
            for name, edit in edits(content)[:2]:
                painted, found = [], []
                for n in range(repeat):
                    time.sleep(3.0)  # an editor reading the page; the last save's PDFs may still be in the making
                    saved = time.time()
                    marker = edit(n + 1000 * (len(results) + 1))
                    page.get_by_text(marker).wait_for(timeout=60_000)
                    found.append(time.time() - saved)
                    # The reader sees the change when the reloaded page first paints. Playwright notices it later:
                    # after a navigation it looks again only after a growing pause (up to half a second).
                    # The text can be in the laid-out page a moment before the page is first painted.
                    page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length")
                    painted.append(page.evaluate(_FIRST_PAINT_JS) / 1000 - saved)
                results[name + " (save to visible)"] = statistics.median(painted)
                results[name + " (found by Playwright)"] = statistics.median(found)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also measure save to visible in Chromium via serve")
    parser.add_argument("--no-handouts", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", content)
        results = in_process(content, Path(tmp) / "site", args.repeat, not args.no_handouts)
        if args.browser:
            results |= in_browser(content, Path(tmp) / "site-served", args.repeat, not args.no_handouts)
    for name, seconds in results.items():
        print(f"{name:40} median {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
