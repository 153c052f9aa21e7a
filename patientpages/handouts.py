"""Printable handouts: one PDF per drug page (drug and audience), at most two pages on A4 or US Letter.

The handout is HTML from templates/handout.html, rendered with the site's own Jinja environment (autoescaped,
strict about undefined names) and laid out by WeasyPrint with templates/handout.css. It is a build extra
(`pipeline.Extra`): `build(paths, extras=[write_handouts])` writes `handouts/<slug>-<audience>.pdf`.

Fitting. Each handout is laid out in the roomiest layout first; if that runs past two pages the same text is
set tighter (see LAYOUTS), never shortened by dropping the call-right-away signs or cutting a sentence. If even
the tightest layout runs long, the build fails and names the drug record, so an editor can shorten it.

Speed. A PDF is reused from `.handout-cache/` beside the output folder when nothing that shapes it changed:
the rendered handout HTML (which holds every word, the QR code and the clinic details), the CSS, the paper
size, the WeasyPrint and pydyf versions and this module's own code.

Reproducible bytes. WeasyPrint writes no dates unless the HTML has `dcterms.created`/`dcterms.modified`
meta tags and no file identifier unless asked; the template sets both dates to the record's reviewed date, so
the same content gives the same bytes (the fonts installed on the machine still shape the output).

Privacy. WeasyPrint is given a URL fetcher that serves only data: URLs and local files under templates/ or
static/; any other URL in the handout HTML or CSS fails the build instead of reaching the network.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
import segno

from .errors import BuildFailed, problem_at
from .pipeline import BuildResult, Paths, Progress
from .render import environment, template_problem
from .write import write_file

TEMPLATE = "handout.html"
STYLESHEET = "handout.css"
MAX_PAGES = 2
PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # accepted spellings (any case) -> CSS page size
# Tried in order until the handout fits: the same words, set progressively tighter (see handout.css).
LAYOUTS = ("regular", "compact", "tight", "dense")
CACHE_FOLDER = ".handout-cache"
# A side-effect note that is a fragment ("skin rash") or a short sentence ("Nausea.") reads as a qualifier in
# brackets after the name; a longer note is a sentence after it.
QUALIFIER_WORDS = 6
HELPS_CHARS = 170  # what_to_do keeps a second sentence only while the text stays this short
RENDER_OPTIONS = {"pdf_identifier": False, "pdf_tags": True}


def write_handouts(
    result: BuildResult, staging: Path, paths: Paths, progress: Progress = lambda _: None, *, paper: str | None = None
) -> list[str]:
    """Write a PDF handout for every drug page into `staging`; return the paths written, relative to it.

    `paper` is "A4" or "letter"; without it the site setting `handout_paper` decides."""
    site = result.graph.content.site.record
    size = paper_size(paper or site.handout_paper)
    pages = [p for p in result.pages if p.template == "drug.html"]
    env = environment(paths.templates)
    css = _stylesheet(paths)
    cache = Cache(paths.out.with_name(CACHE_FOLDER), size)
    fetcher = None  # made on the first PDF that has to be rendered: loading WeasyPrint takes a second
    written, rendered, reused, problems, tighter = [], 0, 0, [], []
    for page in pages:
        slug, audience = page.data["slug"], page.audience
        try:
            html = render_html(env, page, result)
        except Exception as err:
            problem = template_problem(err, paths.templates / TEMPLATE, f"the {slug} handout")
            if problem is None:
                raise
            raise BuildFailed([problem]) from err
        key = cache_key(html, css, size)
        pdf = cache.get(slug, audience, key)
        if pdf is None:
            fetcher = fetcher or local_only_fetcher([paths.templates, paths.static])
            fitted = fit(html, css, size, paths, fetcher)
            if fitted.pages > MAX_PAGES:
                problems.append(
                    problem_at(
                        page.inputs[0],
                        1,
                        1,
                        f"the {audience} handout runs to {fitted.pages} pages on {size} paper even in its most "
                        f"compact layout (at most {MAX_PAGES}); shorten how_given.what_to_expect, the side-effect "
                        f"notes or used_for",
                    )
                )
                continue
            pdf = fitted.pdf
            cache.put(slug, audience, key, pdf)
            rendered += 1
            if fitted.layout != LAYOUTS[0]:
                tighter.append(f"{slug}-{audience} ({fitted.layout})")
        else:
            reused += 1
        write_file(staging, page.data["handout"], pdf)
        written.append(page.data["handout"])
    if problems:
        raise BuildFailed(problems)
    cache.prune()
    progress(f"handouts: {len(written)} PDFs on {size} paper ({rendered} rendered, {reused} reused from cache)")
    if tighter:  # close to the two-page limit: worth knowing before the next edit makes them too long
        progress(f"handouts set tighter to fit on {MAX_PAGES} pages: {', '.join(tighter)}")
    return written


def paper_size(name: str) -> str:
    try:
        return PAPER_SIZES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown handout paper size '{name}'; use A4 or letter") from None


# ---------- what the handout says ----------


def render_html(env: jinja2.Environment, page, result: BuildResult) -> dict[str, str]:
    """The handout HTML for one drug page in every layout, in the site's Jinja environment."""
    template = env.get_template(TEMPLATE)
    context = handout_context(page, result)
    html = {}
    for n, layout in enumerate(LAYOUTS):
        classes = " ".join([f"layout-{layout}", *LAYOUTS[1 : n + 1]])  # a layout keeps the ones before it
        html[layout] = template.render(**context, layout=layout, layout_classes=classes)
    return html


def handout_context(page, result: BuildResult) -> dict[str, Any]:
    content = result.graph.content
    site = content.site.record
    data = page.data
    drug = data["drug"]
    address = site.base_url + page.url
    effects = content.side_effects
    tiers = {t["tier"]: t["effects"] for t in data["tiers"]}
    others = _other_drug_names(content, data["slug"])
    return {
        **data,
        "page": page,
        "site": site,
        "clinic": site.clinic,
        "address": address,
        "qr": qr_data_uri(address),
        "created": drug.reviewed.isoformat(),
        "used_for": " ".join(summary(data["use"].used_for)),
        "source_titles": [s.title for s in data["sources"]],
        "urgent_effects": [_effect(e) for e in tiers.get("urgent", [])],
        "serious_effects": [_effect(e) for e in tiers.get("serious", [])],
        "common_effects": [
            dict(_effect(e), helps=helps(effects[e["slug"]].record.what_to_do, others)) for e in tiers.get("common", [])
        ],
    }


def qr_data_uri(address: str) -> str:
    """A QR code for the address as an SVG data URI: vector, so it stays sharp when printed or copied."""
    return segno.make(address, error="m", micro=False).svg_data_uri(
        border=2, dark="#000", light="#fff", omit_charset=True
    )


_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|St|approx|no)\.$", re.IGNORECASE)
_POINTS_BACK = re.compile(r"\b(any of )?these (signs|symptoms|problems)\b|\bany of these\b", re.IGNORECASE)
_EXPLAINS = re.compile(r"^(That|This|These|Which) (means|is|are)\b")


def sentences(text: str) -> list[str]:
    """Whole sentences, so nothing medical is ever cut in the middle of one."""
    parts = _SENTENCE.split(" ".join(text.split()))
    out: list[str] = []
    for part in parts:
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + part
        elif part:
            out.append(part)
    return out


def summary(text: str, limit: int = 2) -> list[str]:
    """The first `limit` sentences, plus any sentence right after them that explains a term they used
    ("That means ..."), so a word is never left unexplained."""
    parts = sentences(text)
    taken = parts[:limit]
    for part in parts[limit:]:
        if not _EXPLAINS.match(part):
            break
        taken.append(part)
    return taken


def helps(what_to_do: str, other_drugs: Iterable[str]) -> str:
    """What helps, kept short: one or two whole sentences of the side effect's what_to_do. A sentence about
    another named drug ("With revumenib, ...") is left off another drug's handout, with the sentences that
    explain it."""
    others = [re.compile(rf"\b{re.escape(n)}\b", re.IGNORECASE) for n in other_drugs]
    kept, skipping = [], False
    for sentence in sentences(what_to_do):
        if any(o.search(sentence) for o in others):
            skipping = True
            continue
        if skipping and re.match(r"^(An?|The) [\w-]+ is\b|^(That|This|These|It) ", sentence):
            continue  # explains what the dropped sentence named
        skipping = False
        if _POINTS_BACK.search(sentence):
            continue  # "any of these signs": the signs are listed on the web page, not here
        kept.append(sentence)
    if not kept:
        return "Ask the care team what can help."
    text = kept[0]
    if len(kept) > 1 and len(text) + 1 + len(kept[1]) <= HELPS_CHARS:
        text += " " + kept[1]
    return text


def _effect(item: dict) -> dict[str, str]:
    """Name with the drug's note: a short note is a qualifier in brackets, a longer one a sentence after it."""
    name, note = item["name"], (item.get("note") or "").strip()
    parts = sentences(note) if note else []
    if note and (note[0].islower() or len(parts) == 1 and len(note.split()) <= QUALIFIER_WORDS):
        fragment = note.rstrip(".")
        if len(fragment) > 1 and fragment[0].isupper() and fragment[1].islower():
            fragment = fragment[0].lower() + fragment[1:]
        if fragment.lower() == name.lower():
            return {"name": name, "label": name, "detail": ""}
        return {"name": name, "label": f"{name} ({fragment})", "detail": ""}
    detail = " ".join(parts)
    if detail and detail[-1] not in ".!?":
        detail += "."
    return {"name": name, "label": name, "detail": detail}


def _other_drug_names(content, slug: str) -> set[str]:
    own = content.drugs[slug].record
    own_names = {n.lower() for n in [own.generic_name, *own.brand_names, *own.also_called]}
    names = set()
    for other_slug, entry in content.drugs.items():
        if other_slug == slug:
            continue
        for name in [entry.record.generic_name, *entry.record.brand_names]:
            if name.lower() not in own_names and len(name) > 3:
                names.add(name)
    return names


# ---------- laying it out ----------


@dataclass
class Fitted:
    pdf: bytes
    pages: int
    layout: str


def fit(html: dict[str, str], css: str, size: str, paths: Paths, fetcher) -> Fitted:
    """Lay the handout out in each layout in turn and keep the first that fits on MAX_PAGES pages."""
    import weasyprint  # here, not at the top: a build that reuses every PDF never needs it (saves ~1 s)

    stylesheets = [
        weasyprint.CSS(string=css, base_url=str(paths.templates), url_fetcher=fetcher),
        weasyprint.CSS(string=f"@page {{ size: {size}; }}"),
    ]
    document = None
    for layout in LAYOUTS:
        document = weasyprint.HTML(
            string=html[layout], base_url=str(paths.templates) + "/", url_fetcher=fetcher
        ).render(stylesheets=stylesheets, **RENDER_OPTIONS)
        fetcher.raise_refused(paths.templates / TEMPLATE)
        if len(document.pages) <= MAX_PAGES:
            break
    pdf = document.write_pdf(**RENDER_OPTIONS)
    return Fitted(pdf, len(document.pages), layout)


def _stylesheet(paths: Paths) -> str:
    path = paths.templates / STYLESHEET
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise BuildFailed([problem_at(path, 1, 1, f"cannot read the handout stylesheet: {err.strerror}")]) from err


def local_only_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher that serves data: URLs and files under `roots` and refuses everything else,
    so building a handout never reaches the network. Refusals are collected in `.refused` and turned into a
    build error by `.raise_refused(template)`."""
    return _local_only_fetcher_class()(roots)


@functools.cache
def _local_only_fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"data", "file"})
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
                if any(path.is_relative_to(root) for root in self.roots):
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"handouts may only use data: URLs and local files, not {url}")

        def raise_refused(self, template: Path) -> None:
            if self.refused:
                urls, self.refused = sorted(set(self.refused)), []
                raise BuildFailed(
                    [
                        problem_at(
                            template,
                            1,
                            1,
                            f"the handout asks for {u}; handouts may only "
                            f"use data: URLs and files under templates/ or "
                            f"static/",
                        )
                        for u in urls
                    ]
                )

    return LocalOnlyFetcher


# ---------- reuse ----------

_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@functools.cache
def _version(distribution: str) -> str:
    return importlib.metadata.version(distribution)


def cache_key(html: dict[str, str], css: str, size: str) -> str:
    """Everything that shapes the PDF: its HTML in every layout (all the words, the QR code, the clinic
    details), the CSS, the paper size, the PDF library versions and this module's code (layouts, options)."""
    h = hashlib.sha256()
    for part in (
        "handout-v1",
        _version("weasyprint"),
        _version("pydyf"),
        _CODE,
        size,
        css,
        *(html[layout] for layout in LAYOUTS),
    ):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


class Cache:
    """PDFs by drug, audience, paper size and key: `<slug>.<audience>.<size>.<key>.pdf`."""

    def __init__(self, folder: Path, size: str):
        self.folder = folder
        self.size = size
        self.used: set[str] = set()

    def _name(self, slug: str, audience: str, key: str) -> str:
        return f"{slug}.{audience}.{self.size}.{key}.pdf"

    def get(self, slug: str, audience: str, key: str) -> bytes | None:
        name = self._name(slug, audience, key)
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        if not data.startswith(b"%PDF-"):
            return None
        self.used.add(name)
        return data

    def put(self, slug: str, audience: str, key: str, pdf: bytes) -> None:
        name = self._name(slug, audience, key)
        self.used.add(name)
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(pdf)
            os.replace(tmp, self.folder / name)  # whole or not at all, even with two builds at once
        except OSError:  # a cache that cannot be written only makes the next build slower
            if tmp:
                Path(tmp).unlink(missing_ok=True)

    def prune(self) -> None:
        """Drop older PDFs of this paper size: superseded versions and drugs no longer in the content."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob(f"*.*.{self.size}.*.pdf"):
            if path.name not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()
