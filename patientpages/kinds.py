"""The registry: every kind of content record and page, and every public URL pattern, in one place.

For each kind of record: its folder under content/, its record model, the public URL of its pages, its
template, and the label of its list page (also its breadcrumb). Loading, linking, planning, rendering and the
handouts all read this table; none spells a folder or a URL on its own. Adding a kind of page is one entry here
and one template (docs/ARCHITECTURE.md shows a worked example).

Public URLs are stable: pages get printed and linked. Change a pattern here only with redirects in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model
from .audience import Audience


@dataclass(frozen=True)
class Kind:
    name: str  # the record's kind in cross-links (`[CRS](side-effect:cytokine-release-syndrome)`)
    noun: str  # in messages: "no side effect 'x' in content/side-effects/"
    folder: str  # content/<folder>/<slug>.yaml
    model: type[model.Record]
    url: str  # a page's public URL; {slug}, and {audience} for kinds with a page per audience
    template: str  # templates/<template> renders one record's page
    label: str  # title of the kind's list page, and the breadcrumb back to it
    index_url: str  # the list page of every record of the kind
    index_template: str
    reader_label: str  # what a reader calls one, in search filters and results: "Medicine", "Side effect"
    narratives: str = "shared"  # "shared": <slug>.md; "audience": <slug>.adult.md and <slug>.child.md

    def page_url(self, slug: str, audience: Audience | None = None) -> str:
        return self.url.format(slug=slug, audience=audience.folder if audience else "")

    @property
    def place(self) -> str:
        return f"content/{self.folder}/"


DRUG = Kind(
    name="drug",
    noun="drug",
    folder="drugs",
    model=model.Drug,
    url="{audience}/{slug}/",
    template="drug.html",
    label="Drugs A to Z",
    index_url="drugs/",
    index_template="drugs_az.html",
    reader_label="Medicine",
    narratives="audience",
)
SIDE_EFFECT = Kind(
    name="side-effect",
    noun="side effect",
    folder="side-effects",
    model=model.SideEffect,
    url="side-effects/{slug}/",
    template="side_effect.html",
    label="Side effects",
    index_url="side-effects/",
    index_template="side_effects_index.html",
    reader_label="Side effect",
)
CONDITION = Kind(
    name="condition",
    noun="condition",
    folder="conditions",
    model=model.Condition,
    url="conditions/{slug}/",
    template="condition.html",
    label="Types of leukemia",
    index_url="conditions/",
    index_template="described_index.html",
    reader_label="Type of leukemia",
)
TREATMENT_CLASS = Kind(
    name="class",
    noun="class",
    folder="classes",
    model=model.TreatmentClass,
    url="treatments/{slug}/",  # "classes" is the editor's word; readers see "kinds of treatment"
    template="treatment.html",
    label="Kinds of treatment",
    index_url="treatments/",
    index_template="treatments_index.html",
    reader_label="Kind of treatment",
)
HELP = Kind(
    name="help",
    noun="help page",
    folder="help",
    model=model.Article,
    url="help/{slug}/",
    template="article.html",
    label="Help and support",
    index_url="help/",
    index_template="described_index.html",
    reader_label="Help and support",
)

KINDS: tuple[Kind, ...] = (DRUG, SIDE_EFFECT, CONDITION, TREATMENT_CLASS, HELP)
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
BY_FOLDER: dict[str, Kind] = {k.folder: k for k in KINDS}

# The files beside the folders: one record each (site), a mapping of slug: record (sources), a list (glossary).
SITE_FILE = "site.yaml"
SOURCES_FILE = "sources.yaml"
GLOSSARY_FILE = "glossary.yaml"
# Cross-links may also point at a glossary term: `[CD19](glossary:cd19)`.
GLOSSARY = "glossary"
CROSS_LINK_KINDS: tuple[str, ...] = (*(k.name for k in KINDS), GLOSSARY)

# ---------- pages that are not one record's ----------

HOME_URL = ""
GLOSSARY_URL = "glossary/"
NOT_FOUND_URL = "404.html"
UPDATES_URL = "updates/"  # "Recent updates": every record's changes, newest first
FEED_URL = "updates.xml"  # the same as an Atom feed, for clinics to follow
SITEMAP_URL = "sitemap.xml"
HEADERS_URL = "_headers"  # the security headers, for hosts that read such a file
ROBOTS_URL = "robots.txt"
SEARCH_INDEX_FOLDER = "pagefind/"  # written by Pagefind after the pages; read by static/search.js


def audience_home_url(audience: Audience) -> str:
    return f"{audience.folder}/"


def handout_index_url(audience: Audience) -> str:
    return f"handouts/{audience.folder}/"


@dataclass(frozen=True)
class Edition:
    """One printed form of every handout: the site's paper size at the plain URL, the other size and large
    print beside it."""

    suffix: str  # "" for the default; else the URL's ending: "-letter", "-a4", "-large-print"
    paper: str  # "A4" or "letter"
    large_print: bool
    label: str  # on the handout list: "A4", "US Letter", "Large print, A4"

    @property
    def max_pages(self) -> int:
        return 4 if self.large_print else 2


PAPER_LABELS = {"A4": "A4", "letter": "US Letter"}


def handout_editions(default_paper: str) -> tuple[Edition, ...]:
    """The default paper first (today's URLs), then the other size, then large print on the default paper."""
    default = "letter" if default_paper.lower() == "letter" else "A4"
    other = "A4" if default == "letter" else "letter"
    return (
        Edition("", default, False, PAPER_LABELS[default]),
        Edition(f"-{other.lower()}", other, False, PAPER_LABELS[other]),
        Edition("-large-print", default, True, f"Large print, {PAPER_LABELS[default]}"),
    )


def handout_url(slug: str, audience: Audience, edition: Edition | None = None) -> str:
    return f"handouts/{slug}-{audience.slug}{edition.suffix if edition else ''}.pdf"


def handout_bundle_url(class_slug: str, audience: Audience) -> str:
    """Every handout of one kind of treatment for one audience in one PDF, for a clinic to print at once."""
    return f"handouts/bundles/{class_slug}-{audience.slug}.pdf"


def glossary_term_url(term_id: str) -> str:
    return f"{GLOSSARY_URL}#{term_id}"
