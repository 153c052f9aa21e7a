"""Resolve every reference between records, both ways, and report each one that points nowhere."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from dataclasses import dataclass, field

from . import kinds, model
from .audience import AUDIENCES, Audience
from .content import Content, Entry
from .errors import Problem, problem_at
from .tracking import Steps, Table

TIERS = ("urgent", "serious", "common")
# Markdown cross-links name a record by kind and slug: [CRS](side-effect:cytokine-release-syndrome). Every
# place Markdown allows a link destination is searched, across line breaks: inline `](kind:slug "title")`,
# `](<kind:slug>)`, and reference definitions `[label]: kind:slug`; a bare `<kind:slug>` is refused, since
# Python-Markdown would show it as text.
LINK_KINDS = "|".join(map(re.escape, kinds.CROSS_LINK_KINDS))
CROSS_LINK = re.compile(
    rf"(?:(?P<inline>\]\(\s*<?)|(?P<reference>^[ ]{{0,3}}\[[^\]\n]+\]:\s*<?)|<)"
    rf"(?P<kind>{LINK_KINDS}):(?P<slug>[^\s)>\"']*)",
    re.M,
)


@dataclass(frozen=True)
class TierEntry:
    slug: str
    note: str | None
    reported_in: str | None = None  # "adults" or "children": where the source reported it


@dataclass(frozen=True)
class DrugUse:
    """One drug as one audience meets it: what its page for that audience shows."""

    drug: Entry
    audience: Audience
    use: model.AudienceUse
    how_given: model.HowGiven
    tiers: dict[str, list[TierEntry]]
    narrative: str | None
    serious_title: str | None = None  # a record's own heading for its serious tier, where its source says more

    @property
    def slug(self) -> str:
        return self.drug.slug

    @property
    def record(self) -> model.Drug:
        return self.drug.record


@dataclass(frozen=True)
class Listing:
    """What the site's lists show of a drug, apart from its record: a list page reads these, so editing what a
    drug does or its side effects does not make every list be planned again."""

    generic: str
    brands: tuple[str, ...]
    also_called: tuple[str, ...]
    treatment: str  # the class's name, for a reader who knows only that
    reviewed: dt.date


@dataclass
class SiteGraph:
    """The content with every reference resolved. Its lookups are `Table`s, so a build step's reads of them are
    recorded (tracking.py) and the step is redone only when what it read changed."""

    content: Content
    uses: dict[tuple[str, Audience], DrugUse] = field(default_factory=lambda: Table("uses"))  # (drug, audience)
    # effect, condition or class -> audience -> drugs that list it
    effect_drugs: dict[str, dict[Audience, list[str]]] = field(default_factory=lambda: Table("effect_drugs"))
    condition_drugs: dict[str, dict[Audience, list[str]]] = field(default_factory=lambda: Table("condition_drugs"))
    class_drugs: dict[str, dict[Audience, list[str]]] = field(default_factory=lambda: Table("class_drugs"))
    review_due: dict[str, dt.date] = field(default_factory=lambda: Table("review_due"))  # drug slug -> date
    listings: dict[str, Listing] = field(default_factory=lambda: Table("listings"))  # drug slug -> how lists show it
    audiences: dict[str, tuple[Audience, ...]] = field(default_factory=lambda: Table("audiences"))  # drug -> pages
    # (drug, audience) -> side effect -> where its sources reported it (`reported_in` of each entry naming it):
    # a side-effect page reads this, not the drug's whole use, so editing a drug's text does not replan it.
    reports: dict[tuple[str, Audience], dict[str, frozenset[str | None]]] = field(
        default_factory=lambda: Table("reports")
    )
    # ("class" | "exact-class" | "condition", slug, audience) -> the drugs listed there, by name: a drug page
    # picks its related medicines from the front of these without reading every drug of a big class.
    by_name: dict[tuple[str, str, Audience], tuple[str, ...]] = field(default_factory=lambda: Table("by_name"))
    glossary_ids: dict[str, str] = field(default_factory=dict)  # cross-link slug -> anchor id on the glossary page
    term_ids: list[str] = field(default_factory=list)  # the anchor id of each glossary entry, in content order

    def tables(self) -> dict[str, dict]:
        """The graph's own lookups a build step may read, by name (the content has its own: Content.tables)."""
        return {t.name: t for t in vars(self).values() if isinstance(t, Table)}

    def use(self, slug: str, audience: Audience) -> DrugUse | None:
        return self.uses.get((slug, audience))

    def audiences_of(self, slug: str) -> list[Audience]:
        return list(self.audiences.get(slug, ()))

    def due(self, record: model.Reviewed) -> dt.date:
        return due(self.content, record)

    def class_chain(self, slug: str | None) -> list[str]:
        return class_chain(self.content, slug)


def due(content: Content, record: model.Reviewed) -> dt.date:
    """When a record's next review is due: its own date, or reviewed + the site's review period (a date past
    year 9999 is reported by `link`, so the build stops before any page needs it)."""
    months = content.site.record.review_months
    return record.review_due or _add_months(record.reviewed, months) or dt.date.max


def class_chain(content: Content, slug: str | None) -> list[str]:
    """The class and the broader ones it is part of, narrowest first (stopping at one that is missing)."""
    chain: list[str] = []
    while slug and slug not in chain and slug in content.classes:
        chain.append(slug)
        slug = content.classes[slug].record.part_of
    return chain


def link(content: Content, problems: list[Problem], steps: Steps | None = None) -> SiteGraph:
    """Resolve references, adding each one that points nowhere to `problems`. With `steps` from the last build,
    a drug whose reads did not change is linked as it was then."""
    check = _Checker(content, problems)
    for kind in kinds.KINDS:
        if kind.narratives != "shared":
            continue
        for entry in [*content.of_kind(kind).values(), *content.drafts.get(kind.folder, {}).values()]:
            check.sources(entry, entry.record.sources, ("sources",))
            check.narratives(entry, allowed=("",))
    for entry in [*content.classes.values(), *content.drafts.get(kinds.TREATMENT_CLASS.folder, {}).values()]:
        if entry.record.part_of:
            check.ref(entry, kinds.TREATMENT_CLASS.folder, entry.record.part_of, ("part_of",))
    months = content.site.record.review_months
    for kind in kinds.KINDS:
        for entry in content.of_kind(kind).values():
            _check_changes(entry, problems)
            _check_review_date(entry, months, problems)
    graph = SiteGraph(content)
    terms = [g.record.term for g in content.glossary]
    graph.term_ids = glossary_ids(terms)
    for term, id_ in zip(terms, graph.term_ids, strict=True):
        graph.glossary_ids.setdefault(anchor(term), id_)
    run = steps.run if steps else lambda _step, fn, *args: fn(*args)
    for slug in dict.keys(content.drugs):
        run((STAGE, slug), _link_drug, content, check.glossary, slug).add_to(graph, slug, problems)
    asked = {(STAGE, slug) for slug in dict.keys(content.drugs)}
    if steps is not None:
        steps.keep_only(STAGE, asked)
    for entry in content.drafts.get(kinds.DRUG.folder, {}).values():
        _link_drug_entry(entry, check)  # a draft drug is checked the same way, but adds nothing to the site
    _check_class_cycles(content, problems)
    _list_drugs(graph)
    return graph


STAGE = "link"  # the linking steps (one a drug) among the build's steps


@dataclass
class _Linked:
    """What linking one drug found: its problems, its pages' uses, its review date, and the lists it joins."""

    problems: list[Problem]
    uses: dict[tuple[str, Audience], DrugUse]
    due: dt.date
    # graph table -> (key, audience) of each list the drug is added to there, in order
    joins: dict[str, list[tuple[str, Audience]]] = field(default_factory=dict)
    reports: dict[tuple[str, Audience], dict[str, frozenset[str | None]]] = field(default_factory=dict)
    listing: Listing | None = None

    def join(self, table: str, key: str, audience: Audience) -> None:
        self.joins.setdefault(table, []).append((key, audience))

    def add_to(self, graph: SiteGraph, slug: str, problems: list[Problem]) -> None:
        problems += self.problems
        graph.uses.update(self.uses)
        graph.reports.update(self.reports)
        graph.review_due[slug] = self.due
        if self.listing:
            graph.listings[slug] = self.listing
        # Plain dict calls: linking fills the tables, no recorded step reads them here (and a thousand drugs
        # make tens of thousands of these).
        for name, places in self.joins.items():
            table: dict[str, dict[Audience, list[str]]] = getattr(graph, name)
            for key, audience in places:
                by_audience = dict.get(table, key)
                if by_audience is None:
                    by_audience = table[key] = {}
                drugs = by_audience.get(audience)
                if drugs is None:
                    by_audience[audience] = [slug]
                else:
                    drugs.append(slug)


def _link_drug(content: Content, glossary: set[str], slug: str) -> _Linked:
    """One drug's references resolved on their own, so a rebuild redoes only the drugs whose reads changed (the
    drug's record, and the classes, conditions, side effects and sources it names)."""
    linked = _link_drug_entry(content.drugs[slug], _Checker(content, [], glossary))
    drug = content.drugs[slug].record
    classes = content.classes
    treatment = classes[drug.treatment_class].record.name if drug.treatment_class in classes else ""
    linked.listing = Listing(
        drug.generic_name, tuple(drug.brand_names), tuple(drug.also_called), treatment, drug.reviewed
    )
    return linked


def _list_drugs(graph: SiteGraph) -> None:
    # Plain dict calls throughout: this fills the graph's tables; no recorded step is reading them.
    uses = dict(graph.uses)
    for slug in dict.keys(graph.content.drugs):
        audiences = tuple(a for a in AUDIENCES if (slug, a) in uses)
        if audiences:
            graph.audiences[slug] = audiences
    order = {slug: (listing.generic.lower(), slug) for slug, listing in dict.items(graph.listings)}
    drugs_of = dict(graph.content.drugs)

    def by_name(slugs) -> tuple[str, ...]:
        return tuple(sorted(set(slugs), key=order.__getitem__))

    for group, table in (("class", graph.class_drugs), ("condition", graph.condition_drugs)):
        for slug, by_audience in dict.items(table):
            for audience, drugs in by_audience.items():
                graph.by_name[group, slug, audience] = by_name(drugs)
                if group == "class":
                    exact = [d for d in drugs if drugs_of[d].record.treatment_class == slug]
                    graph.by_name["exact-class", slug, audience] = by_name(exact)


def _link_drug_entry(entry: Entry, check: _Checker) -> _Linked:
    drug: model.Drug = entry.record
    content = check.content
    linked = _Linked(check.problems, {}, due(content, drug))
    check.ref(entry, kinds.TREATMENT_CLASS.folder, drug.treatment_class, ("class",))
    check.sources(entry, drug.sources, ("sources",))
    audiences = [a for a in AUDIENCES if getattr(drug.audiences, a.slug)]
    if not audiences:
        check.problems.append(
            entry.doc.problem(("audiences",), "no audience: add 'adult:' and/or 'child:' under 'audiences'")
        )
    check.narratives(entry, allowed=tuple(a.slug for a in audiences))
    check.tiers(entry, drug.side_effects, ("side_effects",))
    for audience in audiences:
        use: model.AudienceUse = getattr(drug.audiences, audience.slug)
        base = ("audiences", audience.slug)
        for i, slug in enumerate(use.conditions):
            if check.ref(entry, kinds.CONDITION.folder, slug, base + ("conditions", i)):
                linked.join("condition_drugs", slug, audience)
        for i, study in enumerate(use.studies):
            check.ref(entry, SOURCES, study.source, base + ("studies", i, "source"))
        check.tiers(entry, use.side_effects, base + ("side_effects",), also=drug.side_effects)
        tiers = _merge_tiers(drug.side_effects, use.side_effects)
        reports: dict[str, set[str | None]] = {}
        for tier in tiers.values():
            for item in tier:
                reports.setdefault(item.slug, set()).add(item.reported_in)
                if item.slug in content.side_effects:
                    linked.join("effect_drugs", item.slug, audience)
        linked.reports[(entry.slug, audience)] = {effect: frozenset(where) for effect, where in reports.items()}
        for cls in class_chain(content, drug.treatment_class):
            linked.join("class_drugs", cls, audience)
        narrative = entry.narratives.get(audience.slug)
        linked.uses[(entry.slug, audience)] = DrugUse(
            entry,
            audience,
            use,
            use.how_given or drug.how_given,
            tiers,
            narrative.text if narrative else None,
            use.side_effects.serious_title or drug.side_effects.serious_title,
        )
    return linked


def _check_changes(entry: Entry, problems: list[Problem]) -> None:
    """A change is part of a review: one dated after the record's reviewed date has not been checked yet."""
    record: model.Reviewed = entry.record
    for i, change in enumerate(record.changes):
        if change.date > record.reviewed:
            problems.append(
                entry.doc.problem(
                    ("changes", i, "date"),
                    f"change dated {change.date.isoformat()} is after the record's reviewed date "
                    f"({record.reviewed.isoformat()}); review the record and update 'reviewed'",
                )
            )


def _check_review_date(entry: Entry, months: int, problems: list[Problem]) -> None:
    record = typing.cast(model.Reviewed, entry.record)
    if record.review_due is None and _add_months(record.reviewed, months) is None:
        message = f"the next review ({months} months later) would fall after the year 9999; check the date"
        problems.append(entry.doc.problem(("reviewed",), message))


def _merge_tiers(base: model.SideEffectTiers, extra: model.SideEffectTiers) -> dict[str, list[TierEntry]]:
    return {
        tier: [TierEntry(r.effect, r.note, r.reported_in) for r in [*getattr(base, tier), *getattr(extra, tier)]]
        for tier in TIERS
    }


def _add_months(day: dt.date, months: int) -> dt.date | None:
    """`day` plus `months`, on the last day of the month where that day does not exist; None past year 9999."""
    year, month = divmod(day.month - 1 + months, 12)
    target_year, target_month = day.year + year, month + 1
    if target_year > dt.MAXYEAR:
        return None
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(target_year, target_month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_class_cycles(content: Content, problems: list[Problem]) -> None:
    for slug, entry in content.classes.items():
        seen: list[str] = []
        current: str | None = slug
        while current and current in content.classes and current not in seen:
            seen.append(current)
            current = content.classes[current].record.part_of
        if current == slug:
            problems.append(
                entry.doc.problem(
                    ("part_of",), "classes are part of each other in a loop: " + " → ".join(seen + [slug])
                )
            )


class _Checker:
    def __init__(self, content: Content, problems: list[Problem], glossary: set[str] | None = None):
        self.content = content
        self.problems = problems
        self.targets: dict[str, dict[str, Entry]] = {k.folder: content.of_kind(k) for k in kinds.KINDS}
        self.targets[SOURCES] = content.sources
        # Once, not per narrative: with hundreds of narratives this set was most of the link stage's time.
        self.glossary = {anchor(g.record.term) for g in content.glossary} if glossary is None else glossary

    def ref(self, entry: Entry, kind: str, slug: str, key_path: tuple) -> bool:
        known = self.targets[kind]
        if slug in known:
            return True
        if slug in self.content.drafts.get(kind, {}):
            self.problems.append(
                entry.doc.problem(
                    key_path,
                    f"'{slug}' is a draft, so it has no page; remove "
                    "'draft: true' from it when it is ready, or leave it out here",
                )
            )
            return False
        if slug in self.content.invalid.get(kind, ()):
            return False  # exists, but has its own problems already reported
        self.problems.append(entry.doc.problem(key_path, unknown(kind, slug, known)))
        return False

    def sources(self, entry: Entry, slugs, key_path: tuple) -> None:
        for i, slug in enumerate(slugs):
            self.ref(entry, SOURCES, slug, key_path + (i,))

    def tiers(
        self, entry: Entry, tiers: model.SideEffectTiers, key_path: tuple, also: model.SideEffectTiers | None = None
    ) -> None:
        seen: dict[str, str] = {}
        if also:
            seen = {r.effect: t for t in TIERS for r in getattr(also, t)}
        for tier in TIERS:
            for i, ref in enumerate(getattr(tiers, tier)):
                where = key_path + (tier, i)
                if not self.ref(entry, kinds.SIDE_EFFECT.folder, ref.effect, where):
                    continue
                if ref.effect in seen:
                    self.problems.append(
                        entry.doc.problem(
                            where, f"side effect '{ref.effect}' is already listed under '{seen[ref.effect]}'"
                        )
                    )
                seen[ref.effect] = tier

    def narratives(self, entry: Entry, allowed: tuple[str, ...]) -> None:
        for audience, text in entry.narratives.items():
            if audience not in allowed:
                expected = " or ".join(f"{entry.slug}{'.' + a if a else ''}.md" for a in allowed) or "none"
                self.problems.append(
                    problem_at(text.path, 1, 1, f"this record has no page for this audience (expected {expected})")
                )
            self.cross_links(text)

    def cross_links(self, text) -> None:
        glossary = self.glossary
        for m in CROSS_LINK.finditer(text.text):
            kind, slug = m["kind"], m["slug"]
            before = text.text[: m.start("kind")]
            where = (before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
            if not (m["inline"] or m["reference"]):
                self.problems.append(
                    problem_at(
                        text.path, *where, f"write this link as [text]({kind}:{slug}); <{kind}:...> is shown as text"
                    )
                )
                continue
            folder = GLOSSARY if kind == kinds.GLOSSARY else kinds.BY_NAME[kind].folder
            known = glossary if kind == kinds.GLOSSARY else self.targets[folder]
            line, column = where
            if slug in self.content.drafts.get(folder, {}):
                message = f"'{slug}' is a draft, so it has no page"
                self.problems.append(problem_at(text.path, line, column + len(kind) + 1, message))
            elif slug not in known and slug not in self.content.invalid.get(folder, ()):
                self.problems.append(problem_at(text.path, line, column + len(kind) + 1, unknown(folder, slug, known)))


SOURCES, GLOSSARY = "sources", "glossary"  # references into the two shared files, beside the kinds' folders
_PLACES = {k.folder: (k.noun, k.place) for k in kinds.KINDS} | {
    SOURCES: ("source", f"content/{kinds.SOURCES_FILE}"),
    GLOSSARY: ("glossary term", f"content/{kinds.GLOSSARY_FILE}"),
}


def unknown(kind: str, slug: str, known) -> str:
    guess = difflib.get_close_matches(slug, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    noun, place = _PLACES[kind]
    return f"no {noun} '{slug}' in {place}{hint}"


def anchor(term: str) -> str:
    """The slug that cross-links use for a glossary term: [CD19](glossary:cd19)."""
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def glossary_ids(terms: list[str]) -> list[str]:
    """An id for each term on the glossary page: prefixed, so no term ("Main") can take an id the page layout
    uses; never empty (a term of punctuation); unique (terms differing only in case)."""
    ids: list[str] = []
    for n, term in enumerate(terms, 1):
        base = f"term-{anchor(term) or n}"
        id_, count = base, 1
        while id_ in ids:
            count += 1
            id_ = f"{base}-{count}"
        ids.append(id_)
    return ids
