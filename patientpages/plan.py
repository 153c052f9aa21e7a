"""Decide every page the site will have: its address, its template, what it shows, and the files it came from.

The plan is a plain list, so two pages meant for one address are caught before anything is written. Addresses,
templates and labels come from the registry (kinds.py); what a page shows is a typed view (views.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from . import kinds, model, pictures
from .audience import AUDIENCES, BY_SLUG, Audience
from .build_cache import digest
from .content import Entry
from .errors import BuildFailed, problem_at
from .kinds import Kind
from .link import TIERS, SiteGraph
from .model import voiced, voices
from .pictures import Drawing
from .tracking import Steps
from .views import (
    ArticleView,
    AudienceHomeView,
    AZRow,
    AZView,
    ClassNode,
    ConditionGroup,
    ConditionSection,
    ConditionView,
    DrugView,
    EffectItem,
    EmptyView,
    GlossaryView,
    HandoutFile,
    HandoutItem,
    HandoutListView,
    HomeView,
    Link,
    ListView,
    SideEffectView,
    SignGroup,
    Tier,
    TreatmentView,
    TreeView,
    Update,
    UpdatesView,
    View,
    Wording,
)

T = TypeVar("T")

# How many related medicines a drug page lists; the class and condition pages list them all.
RELATED_LIMIT = 8


@dataclass(frozen=True)
class Review:
    """When a record's page was last checked, when it is next due, and what changed for readers."""

    reviewed: dt.date
    due: dt.date
    changes: tuple[model.Change, ...]

    @classmethod
    def of(cls, graph: SiteGraph, record: model.Reviewed) -> Review:
        newest_first = sorted(record.changes, key=lambda c: c.date, reverse=True)
        return cls(record.reviewed, graph.due(record), tuple(newest_first))


@dataclass
class Page:
    url: str
    kind: str  # a registry kind's name ("drug", "side-effect", ...), or a site page ("home", "index", ...)
    template: str
    title: str
    crumbs: list[Link]
    inputs: list[Path]
    view: View
    audience: Audience | None = None
    review: Review | None = None  # record pages only
    description: str = ""  # from the record's own words; the site's description where empty

    @functools.cached_property
    def plan_digest(self) -> str:
        """Of everything planned for the page: equal digests mean the page would render the same, given the same
        templates. Kept on the page, which a rebuild reuses while its reads are unchanged."""
        return digest(repr(self))

    @functools.cached_property
    def as_link(self) -> Link:
        """The page in a list of pages (the glossary's "used on"), labelled with whom it is for."""
        return Link(self.title, self.url, self.audience.for_readers if self.audience else "")

    @functools.cached_property
    def output(self) -> str:
        """Path inside site/: a folder URL is written as its index.html."""
        return self.url + "index.html" if self.url.endswith("/") or not self.url else self.url


HOME = Link("Home", kinds.HOME_URL)


def tier_title(tier: str, audience: Audience, serious_title: str | None = None) -> str:
    """A tier's heading in the reader's voice. "Serious" claims no frequency: only a record may say "less
    common", where its source does."""
    if tier == "urgent":
        return f"Call {audience.your} care team right away"
    if tier == "serious":
        return serious_title or "Serious side effects"
    return "Common side effects"


def plan(graph: SiteGraph, steps: Steps | None = None) -> list[Page]:
    """Every page, in a fixed order. With `steps` from the last build (refreshed to this build's tables), a page
    whose planning read nothing that changed is the very page planned then (tracking.py)."""
    c = graph.content
    asked: set[tuple] = set()

    def run(step: tuple, planner: Callable[..., T], *args: object) -> T:
        asked.add((STAGE, *step))
        return steps.run((STAGE, *step), planner, graph, *args) if steps else planner(graph, *args)

    pages = [run(("home",), _home)]
    for audience in AUDIENCES:
        pages.append(run(("audience-home", audience.slug), _audience_home, audience))
        pages.append(run(("handout-index", audience.slug), _handout_index, audience))
    for kind in kinds.KINDS:
        records = sorted(dict.keys(c.of_kind(kind)))
        if records or kind is kinds.DRUG:  # the A–Z stays at its address even while empty
            pages.append(run(("index", kind.name), INDEXES.get(kind.name, _record_list), kind))
        page_of = PLANNERS.get(kind.name, _article_page)
        for slug in records:
            pages += run(("record", kind.name, slug), page_of, kind, slug)
    pages.append(run(("glossary",), _glossary))
    if steps is not None:
        steps.keep_only(STAGE, asked)
    pages.append(_updates(graph, pages))
    site = [c.site.doc.path]
    pages.append(Page(kinds.NOT_FOUND_URL, "not-found", "not_found.html", "Page not found", [HOME], site, EmptyView()))
    refuse_collisions(pages)
    return pages


STAGE = "plan"  # the planning steps among the build's steps


def refuse_collisions(pages: list[Page]) -> None:
    by_output: dict[str, Page] = {}
    problems = []
    for page in pages:
        first = by_output.setdefault(page.output, page)
        if first is not page:
            source = page.inputs[0] if page.inputs else Path("content")
            other = first.inputs[0] if first.inputs else "a built-in page"
            problems.append(
                problem_at(
                    source,
                    1,
                    1,
                    f"two pages would be written to site/{page.output}: this one and the one from {other}; "
                    "rename one slug",
                )
            )
    if problems:
        raise BuildFailed(problems)


# ---------- site pages ----------


def _home(graph: SiteGraph) -> Page:
    c = graph.content
    counts = {a.slug: sum(1 for pages in graph.audiences.values() if a in pages) for a in AUDIENCES}
    view = HomeView(counts, _help_links(graph))
    return Page(kinds.HOME_URL, "home", "home.html", c.site.record.title, [], [c.site.doc.path], view)


def _help_links(graph: SiteGraph) -> tuple[Link, ...]:
    entries = graph.content.of_kind(kinds.HELP)
    return tuple(Link(e.record.title, kinds.HELP.page_url(s), e.record.summary) for s, e in sorted(entries.items()))


def _audience_crumbs(audience: Audience) -> list[Link]:
    return [HOME, Link(audience.label, kinds.audience_home_url(audience))]


def _audience_home(graph: SiteGraph, audience: Audience) -> Page:
    c = graph.content
    groups = []
    for slug, entry in sorted(c.conditions.items()):
        drugs = graph.condition_drugs.get(slug, {}).get(audience, [])
        section = getattr(entry.record, audience.slug)
        # A condition with words for this audience is listed even without a medicine for it (CML in children:
        # "immunotherapy is not part of treatment" is itself what a parent needs to read).
        if drugs or section:
            summary = section.summary if section else entry.record.what_it_is
            url = kinds.CONDITION.page_url(slug)
            groups.append(ConditionGroup(entry.record, url, summary, _drug_links(graph, drugs, audience)))
    view = AudienceHomeView(audience, tuple(groups), kinds.handout_index_url(audience), _help_links(graph))
    title = f"Treatments for {audience.people}"
    return Page(
        kinds.audience_home_url(audience), "audience-home", "audience_home.html", title, [HOME],
        [c.site.doc.path], view, audience,
    )  # fmt: skip


def _handout_index(graph: SiteGraph, audience: Audience) -> Page:
    c = graph.content
    editions = kinds.handout_editions(c.site.record.handout_paper)
    slugs = sorted(s for s, pages in graph.audiences.items() if audience in pages)
    items = tuple(
        HandoutItem(
            d.title,
            d.note,
            graph.listings[slug].reviewed,
            tuple(HandoutFile(e.label, kinds.handout_url(slug, audience, e)) for e in editions),
        )
        for slug, d in zip(slugs, _drug_links(graph, slugs, audience), strict=True)
    )
    bundles = tuple(
        HandoutFile(c.classes[cls].record.name, kinds.handout_bundle_url(cls, audience))
        for cls in sorted(graph.class_drugs)
        if graph.class_drugs[cls].get(audience)
    )
    title = f"Printable handouts for {audience.readers}"
    view = HandoutListView(audience, items, bundles)
    return Page(
        kinds.handout_index_url(audience), "handout-list", "handouts_index.html", title,
        _audience_crumbs(audience), [c.site.doc.path], view, audience,
    )  # fmt: skip


def _glossary(graph: SiteGraph) -> Page:
    c = graph.content
    terms = sorted(zip(graph.term_ids, (g.record for g in c.glossary), strict=True), key=lambda t: t[1].term.lower())
    letters: dict[str, list[tuple[str, model.GlossaryTerm]]] = {}
    for term_id, term in terms:
        first = term.term[:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append((term_id, term))
    view = GlossaryView({letter: tuple(entries) for letter, entries in letters.items()})
    inputs = [g.doc.path for g in c.glossary[:1]] or [c.site.doc.path]
    return Page(kinds.GLOSSARY_URL, "glossary", "glossary.html", "Glossary", [HOME], inputs, view)


def _updates(graph: SiteGraph, pages: list[Page]) -> Page:
    """Every record's changes, newest first, each linking to the record's pages."""
    by_record: dict[Path, list[Page]] = {}
    for page in pages:
        if page.review and page.review.changes:
            by_record.setdefault(page.inputs[0], []).append(page)
    items = []
    for record_pages in by_record.values():
        links = tuple(Link(p.audience.for_readers if p.audience else p.title, p.url) for p in record_pages)
        review = record_pages[0].review
        assert review is not None
        items += [Update(c.date, record_pages[0].title, c.what, links) for c in review.changes]
    items.sort(key=lambda u: (-u.date.toordinal(), u.title.lower(), u.what))
    inputs = [graph.content.site.doc.path, *by_record]
    view = UpdatesView(tuple(items))
    return Page(kinds.UPDATES_URL, "updates", "updates.html", "Recent updates", [HOME], inputs, view)


# ---------- list pages, one per kind ----------


def _index_page(graph: SiteGraph, kind: Kind, view: View) -> Page:
    return Page(kind.index_url, "index", kind.index_template, kind.label, [HOME], [graph.content.site.doc.path], view)


def _record_list(graph: SiteGraph, kind: Kind) -> Page:
    """Every record of a kind by title, with its own one-line summary where it has one."""
    entries = graph.content.of_kind(kind).items()
    items = [Link(e.record.title, kind.page_url(s), getattr(e.record, "summary", "")) for s, e in entries]
    return _index_page(graph, kind, ListView(tuple(sorted(items, key=lambda link: link.title.lower()))))


def _condition_list(graph: SiteGraph, kind: Kind) -> Page:
    items = tuple(
        Link(e.record.title, kind.page_url(s), e.record.what_it_is) for s, e in sorted(graph.content.conditions.items())
    )
    return _index_page(graph, kind, ListView(items))


def _class_list(graph: SiteGraph, kind: Kind) -> Page:
    return _index_page(graph, kind, TreeView(_class_tree(graph, None)))


def _a_to_z(graph: SiteGraph, kind: Kind) -> Page:
    """Every generic, brand and short name, each leading to the drug's pages."""
    rows = []
    for slug, drug in graph.listings.items():
        pages = tuple(Link(a.label, kind.page_url(slug, a)) for a in graph.audiences_of(slug))
        treatment = drug.treatment
        rows.append(AZRow(drug.generic, "generic", None, pages, treatment))
        rows += [AZRow(name, "brand", drug.generic, pages, treatment) for name in drug.brands]
        rows += [AZRow(name, "short name", drug.generic, pages, treatment) for name in drug.also_called]
    rows.sort(key=lambda r: r.name.lower())
    letters: dict[str, list[AZRow]] = {}
    for row in rows:
        first = row.name[0].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(row)
    return _index_page(graph, kind, AZView({letter: tuple(rows) for letter, rows in letters.items()}))


INDEXES: dict[str, Callable[[SiteGraph, Kind], Page]] = {
    kinds.DRUG.name: _a_to_z,
    kinds.CONDITION.name: _condition_list,
    kinds.TREATMENT_CLASS.name: _class_list,
}


# ---------- record pages ----------


def _sources(graph: SiteGraph, slugs: Iterable[str]) -> tuple:
    return tuple(graph.content.sources[s].record for s in slugs)


def _inputs(entry: Entry, narrative_key: str = "") -> list[Path]:
    narrative = entry.narratives.get(narrative_key)
    return [entry.doc.path] + ([narrative.path] if narrative else [])


def _record_crumbs(kind: Kind) -> list[Link]:
    return [HOME, Link(kind.label, kind.index_url)]


def _drug_links(graph: SiteGraph, slugs: Iterable[str], audience: Audience) -> tuple[Link, ...]:
    return tuple(_drug_link(graph, slug, audience) for slug in sorted(set(slugs)))


def _drug_link(graph: SiteGraph, slug: str, audience: Audience) -> Link:
    listing = graph.listings[slug]
    return Link(listing.generic, kinds.DRUG.page_url(slug, audience), ", ".join(listing.brands), listing.treatment)


def _drug_pages(graph: SiteGraph, kind: Kind, slug: str) -> list[Page]:
    out = []
    for audience in graph.audiences_of(slug):
        view = drug_view(graph, slug, audience)
        entry = graph.content.drugs[slug]
        out.append(
            Page(
                kind.page_url(slug, audience),
                kind.name,
                kind.template,
                view.drug.generic_name,
                _audience_crumbs(audience),
                _inputs(entry, audience.slug),
                view,
                audience,
                Review.of(graph, view.drug),
                _drug_description(view),
            )  # fmt: skip
        )
    return out


def drug_view(graph: SiteGraph, slug: str, audience: Audience) -> DrugView:
    c = graph.content
    use = graph.use(slug, audience)
    assert use is not None, (slug, audience)
    drug = use.record
    tiers = []
    for tier in TIERS:
        effects = []
        for ref in use.tiers[tier]:
            effect = c.side_effects[ref.slug].record
            assert isinstance(effect, model.SideEffect)
            url = kinds.SIDE_EFFECT.page_url(ref.slug)
            signs = tuple(voiced(effect.call_right_away, audience.slug))
            reported = audience.reported_in(ref.reported_in)
            elsewhere = ref.reported_in if reported else None
            effects.append(EffectItem(ref.slug, effect.name, url, ref.note, signs, reported, elsewhere))
        if effects:
            title = tier_title(tier, audience, use.serious_title)
            tiers.append(Tier(tier, title, tuple(effects)))
    call_now = _call_now(tiers)
    tiers = [_label_once(t) for t in tiers]
    others = [a for a in graph.audiences_of(slug) if a != audience]
    cls = c.classes[drug.treatment_class]
    return DrugView(
        drug=drug,
        slug=slug,
        audience=audience,
        use=use.use,
        how_given=use.how_given,
        picture=_picture(use.how_given.picture or c.classes[drug.treatment_class].record.picture),
        narrative=use.narrative,
        tiers=tuple(tiers),
        call_now=call_now,
        treatment_class=Link(cls.record.name, kinds.TREATMENT_CLASS.page_url(cls.slug)),
        conditions=tuple(Link(c.conditions[s].record.title, kinds.CONDITION.page_url(s)) for s in use.use.conditions),
        other_audience=Link(others[0].label, kinds.DRUG.page_url(slug, others[0])) if others else None,
        related=_related(graph, slug, audience),
        handout=kinds.handout_url(slug, audience),
        sources=_sources(graph, drug.sources),
        study_sources={s.source: c.sources[s.source].record for s in use.use.studies},
        review_due=graph.review_due[slug],
    )


def _picture(picture: model.Picture | None) -> Drawing | None:
    return pictures.draw(picture) if picture else None


def _label_once(tier: Tier) -> Tier:
    """A tier whose every entry was reported in the other audience says so once, under its heading, rather
    than after each entry."""
    labels = {e.reported for e in tier.effects}
    if len(labels) != 1 or None in labels:
        return tier
    effects = tuple(replace(e, reported=None, reported_in=None) for e in tier.effects)
    return Tier(tier.tier, tier.title, effects, labels.pop())


def _call_now(tiers: list[Tier]) -> tuple[SignGroup, ...]:
    """The boxed signs: each urgent or serious side effect's own call-right-away signs, each sign once."""
    groups: list[SignGroup] = []
    shown: set[str] = set()
    for effect in (e for t in tiers if t.tier != "common" for e in t.effects):
        signs = tuple(s for s in effect.call_right_away if s.lower() not in shown)
        shown.update(s.lower() for s in signs)
        if signs:
            groups.append(SignGroup(mid_sentence(effect.name), effect.url, signs, effect.reported, effect.reported_in))
    return tuple(groups)


def _related(graph: SiteGraph, slug: str, audience: Audience) -> tuple[Link, ...]:
    """Up to RELATED_LIMIT drugs for the same audience, closest first: the same class, a narrower kind of it,
    then the same condition, each by name. A page stays small however many drugs the site holds; the class
    and condition pages, linked beside the list, list them all. Taken from the front of lists already sorted
    by name, so a page reads only the drugs it shows."""
    use = graph.use(slug, audience)
    assert use is not None
    cls = use.record.treatment_class
    groups = [
        graph.by_name.get(("exact-class", cls, audience), ()),
        graph.by_name.get(("class", cls, audience), ()),  # with the narrower kinds
        heapq.merge(
            *(graph.by_name.get(("condition", c, audience), ()) for c in use.use.conditions),
            key=lambda s: (graph.listings[s].generic.lower(), s),
        ),
    ]
    chosen: dict[str, None] = {slug: None}
    for group in groups:
        for other in group:
            if len(chosen) > RELATED_LIMIT:
                break
            chosen.setdefault(other)
    return tuple(_drug_link(graph, other, audience) for other in list(chosen)[1:])


def _side_effect_page(graph: SiteGraph, kind: Kind, slug: str) -> list[Page]:
    entry = graph.content.side_effects[slug]
    users = graph.effect_drugs.get(slug, {})
    by_audience = {a.slug: _reported_where(graph, slug, a, users.get(a, [])) for a in AUDIENCES}
    effect = entry.record
    assert isinstance(effect, model.SideEffect)
    view = SideEffectView(
        effect,
        _wordings(effect.what_it_is),
        _wordings(effect.signs),
        _wordings(effect.what_to_do),
        _wordings(effect.call_right_away),
        by_audience,
        _sources(graph, effect.sources),
    )
    return [_record_page(graph, kind, slug, entry, view)]


def _wordings(value) -> tuple[Wording, ...]:
    """A shared field once; a field worded per audience once for each, labelled with its readers."""
    return tuple(Wording(BY_SLUG[a].readers if a else None, v) for a, v in voices(value) if v)


def _reported_where(graph: SiteGraph, effect: str, audience: Audience, drugs: list[str]) -> tuple[Link, ...]:
    """The drugs that list a side effect for an audience; one listed only because its source reported the
    effect in the other audience says so: "Besponsa; reported in adults"."""
    out = []
    for slug, link_ in zip(sorted(set(drugs)), _drug_links(graph, drugs, audience), strict=True):
        where = graph.reports.get((slug, audience), {}).get(effect, frozenset())
        if len(where) == 1 and audience.reported_in(next(iter(where))):
            note = "; ".join(filter(None, [link_.note, f"reported in {next(iter(where))}"]))
            link_ = replace(link_, note=note)
        out.append(link_)
    return tuple(out)


def _record_page(
    graph: SiteGraph, kind: Kind, slug: str, entry: Entry, view: View, crumbs: list[Link] | None = None
) -> Page:
    record = entry.record
    description = first_sentences(_plain(getattr(record, "summary", None) or getattr(record, "what_it_is", "")))
    crumbs = crumbs or _record_crumbs(kind)
    review = Review.of(graph, record)
    return Page(kind.page_url(slug), kind.name, kind.template, record.title, crumbs, _inputs(entry), view, None,
                review, description)  # fmt: skip


def _plain(value: object) -> str:
    """A field's text for a page that speaks to everyone: the shared text, or the first audience's."""
    return next((str(text) for _, text in voices(value) if text), "")


def _drug_description(view: DrugView) -> str:
    drug = view.drug
    brands = f" ({', '.join(drug.brand_names)})" if drug.brand_names else ""
    return f"{drug.generic_name}{brands}, for {view.audience.readers}: {first_sentences(drug.what_it_is)}"


def first_sentences(text: str, limit: int = 200) -> str:
    """Whole sentences from the start of a record's text, as many as fit in `limit` characters (at least one):
    a page's description for search engines and shared links, never cut mid-sentence."""
    words = " ".join(text.split())
    out = ""
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", words):
        if out and len(out) + 1 + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return out


def _narrative(entry: Entry) -> str | None:
    text = entry.narratives.get("")
    return text.text if text else None


def _condition_page(graph: SiteGraph, kind: Kind, slug: str) -> list[Page]:
    entry = graph.content.conditions[slug]
    users = graph.condition_drugs.get(slug, {})
    sections = []
    for audience in AUDIENCES:
        section = getattr(entry.record, audience.slug)
        drugs = _drug_links(graph, users.get(audience, []), audience)
        if section or drugs:
            sections.append(ConditionSection(audience, section.summary if section else None, drugs))
    sources = _sources(graph, entry.record.sources)
    view = ConditionView(entry.record, tuple(sections), _narrative(entry), sources)
    return [_record_page(graph, kind, slug, entry, view)]


def _class_tree(graph: SiteGraph, parent: str | None) -> tuple[ClassNode, ...]:
    ordered = sorted(graph.content.classes.items(), key=lambda kv: kv[1].record.name.lower())
    return tuple(
        ClassNode(Link(e.record.name, kinds.TREATMENT_CLASS.page_url(s), e.record.what_it_is), _class_tree(graph, s))
        for s, e in ordered
        if e.record.part_of == parent
    )


def _class_page(graph: SiteGraph, kind: Kind, slug: str) -> list[Page]:
    entry = graph.content.classes[slug]
    users = graph.class_drugs.get(slug, {})
    crumbs = _record_crumbs(kind)
    broader = reversed(graph.class_chain(slug)[1:])
    crumbs += [Link(graph.content.classes[p].record.name, kind.page_url(p)) for p in broader]
    by_audience = {a.slug: _drug_links(graph, users.get(a, []), a) for a in AUDIENCES}
    sources = _sources(graph, entry.record.sources)
    picture = _picture(entry.record.picture)
    view = TreatmentView(entry.record, picture, _class_tree(graph, slug), by_audience, _narrative(entry), sources)
    return [_record_page(graph, kind, slug, entry, view, crumbs)]


def _article_page(graph: SiteGraph, kind: Kind, slug: str) -> list[Page]:
    """Any kind without a planner of its own: the record, its narrative and its sources."""
    entry = graph.content.of_kind(kind)[slug]
    view = ArticleView(entry.record, _narrative(entry), _sources(graph, entry.record.sources))
    return [_record_page(graph, kind, slug, entry, view)]


PLANNERS: dict[str, Callable[[SiteGraph, Kind, str], list[Page]]] = {
    kinds.DRUG.name: _drug_pages,
    kinds.SIDE_EFFECT.name: _side_effect_page,
    kinds.CONDITION.name: _condition_page,
    kinds.TREATMENT_CLASS.name: _class_page,
}


def mid_sentence(name: str) -> str:
    """'Cytokine release syndrome' reads as 'signs of cytokine release syndrome'; 'CRS' and proper names with
    another capital in their first word ('Stevens-Johnson syndrome') stay as they are."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[1:] == first[1:].lower() and first[0].isupper():
        return name[0].lower() + name[1:]
    return name
