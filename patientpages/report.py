"""The build report: what was written, how long it took, how hard each page is to read, what is due."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import kinds, model
from .pipeline import BuildResult
from .site_files import is_placeholder

GRADE_AIM = 7.0
DRUG_PAGE_LIMIT = 9.0
SOON = dt.timedelta(days=90)


def too_hard(result: BuildResult) -> list[tuple[str, float]]:
    """Drug pages above the reading-grade limit."""
    drug_pages = {p.output for p in result.pages if p.kind == kinds.DRUG.name}
    return [
        (out, g)
        for out, g in sorted(result.grades.items())
        if g is not None and g > DRUG_PAGE_LIMIT and out in drug_pages
    ]


def placeholder_address(result: BuildResult) -> str | None:
    """A warning while base_url is still the shipped placeholder: canonical links, the sitemap, the feed and
    the handouts' QR codes would all point at a site that does not exist."""
    site = result.graph.content.site
    settings = site.record
    assert isinstance(settings, model.Site)  # narrows the entry's record type for mypy
    if not is_placeholder(settings.base_url):
        return None
    where = site.doc.problem(("base_url",), "")
    return (
        f"{str(where).rstrip(': ')}: base_url {settings.base_url} is a placeholder; set the site's public "
        "address before publishing (links, sitemap, feed and QR codes use it)"
    )


def strict_problems(result: BuildResult, today: dt.date) -> list[str]:
    """What `check --strict` turns from a warning into an error: overdue reviews, hard drug pages, and a placeholder
    base_url (a site about to be published cannot carry wrong addresses)."""
    content = result.graph.content
    problems = [
        str(content.drugs[slug].doc.problem(("reviewed",), f"review was due on {due.isoformat()}"))
        for slug, due in result.overdue(today)
    ]
    problems += [f"{out}: reads at grade {g}, above {DRUG_PAGE_LIMIT:g} for a drug page" for out, g in too_hard(result)]
    if placeholder := placeholder_address(result):
        problems.append(placeholder)
    return problems


def summary(result: BuildResult, today: dt.date, *, verbose: bool = False) -> str:
    graded = {o: g for o, g in result.grades.items() if g is not None}
    lines = [
        f"Built {len(result.pages)} pages ({result.rendered} rendered, {result.reused} reused, {result.removed} "
        f"removed; {result.files_written} files written) in {result.seconds:.2f} s."
    ]
    if placeholder := placeholder_address(result):
        lines.append(f"warning: {placeholder}")
    if graded:
        mean = sum(graded.values()) / len(graded)
        hardest = max(graded, key=lambda out: graded[out])
        over = sum(1 for g in graded.values() if g > GRADE_AIM)
        lines.append(
            f"Reading grade (Flesch–Kincaid): mean {mean:.1f}, hardest {graded[hardest]} ({hardest}); "
            f"{over} of {len(graded)} pages above the aim of {GRADE_AIM:g}."
        )
    if verbose:
        lines += [f"  {g if g is not None else '  - ':>5}  {o}" for o, g in sorted(result.grades.items())]
    for out, grade in too_hard(result):
        lines.append(f"warning: {out} reads at grade {grade}, above {DRUG_PAGE_LIMIT:g} for a drug page")
    for slug, due in result.overdue(today):
        doc = result.graph.content.drugs[slug].doc
        lines.append(f"warning: {doc.problem(('reviewed',), f'review was due on {due.isoformat()}')}")
    soon = sorted((d, s) for s, d in result.graph.review_due.items() if today <= d <= today + SOON)
    if soon:
        lines.append(
            f"Reviews due in the next {SOON.days} days: " + ", ".join(f"{s} ({d.isoformat()})" for d, s in soon)
        )
    return "\n".join(lines)


def write_json(result: BuildResult, path: Path, today: dt.date) -> None:
    data = {
        "pages": len(result.pages),
        "files": result.files_written,
        "rendered": result.rendered,
        "reused": result.reused,
        "removed": result.removed,
        "seconds": round(result.seconds, 3),
        "reading_grade": result.grades,
        "review_due": {s: d.isoformat() for s, d in sorted(result.graph.review_due.items())},
        "overdue": [s for s, _ in result.overdue(today)],
    }
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
