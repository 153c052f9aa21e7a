"""What each kind of page shows: typed page data, made by plan.py and read by the templates and handouts.

A view holds what its template prints and nothing else; templates receive its fields by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from . import model
from .audience import Audience
from .pictures import Drawing


@dataclass(frozen=True)
class Link:
    title: str
    url: str  # from the site root, e.g. "adults/blinatumomab/"
    note: str = ""
    kind: str = ""  # what kind of thing it is, for a reader who knows only that: "CAR T-cell therapy"


@dataclass(frozen=True)
class View:
    def fields(self) -> dict[str, Any]:
        """The view's fields by name (shallow: records stay records), as the template's variables."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


# ---------- a drug, as one audience meets it ----------


@dataclass(frozen=True)
class EffectItem:
    slug: str
    name: str
    url: str
    note: str | None
    call_right_away: tuple[str, ...]  # the side effect's own "call right away" signs, in this audience's words
    reported: str | None = None  # "Reported in adults. Ask ...": set only on the other audience's page
    reported_in: str | None = None  # "adults": set with `reported`


@dataclass(frozen=True)
class Tier:
    tier: str  # "urgent", "serious" or "common"
    title: str  # in the audience's voice: "Call your child’s care team right away"
    effects: tuple[EffectItem, ...]
    reported: str | None = None  # set when every entry was reported in the other audience: said once


@dataclass(frozen=True)
class SignGroup:
    """Call-right-away signs of one side effect, boxed at the top of a drug page."""

    name: str  # as it reads after "Signs of": "cytokine release syndrome (CRS)"
    url: str
    signs: tuple[str, ...]
    reported: str | None = None  # as on EffectItem
    reported_in: str | None = None  # who it was reported in ("adults"), when that is the other audience


@dataclass(frozen=True)
class DrugView(View):
    drug: model.Drug
    slug: str
    audience: Audience
    use: model.AudienceUse
    how_given: model.HowGiven
    picture: Drawing | None  # how it is given, from the record or else its class
    narrative: str | None
    tiers: tuple[Tier, ...]  # only tiers with entries, most urgent first
    call_now: tuple[SignGroup, ...]
    treatment_class: Link
    conditions: tuple[Link, ...]
    other_audience: Link | None
    related: tuple[Link, ...]
    handout: str  # URL of the handout PDF
    sources: tuple[model.Source, ...]
    study_sources: dict[str, model.Source]
    review_due: dt.date

    @property
    def urgent_signs(self) -> list[str]:
        """Every boxed sign once, in order; a sign of an effect reported in the other audience says so."""
        return [
            f"{sign} (reported in {group.reported_in})" if group.reported_in else sign
            for group in self.call_now
            for sign in group.signs
        ]

    @property
    def urgent_reported(self) -> list[str]:
        """The "Reported in ... Ask ..." labels of the boxed signs, each once."""
        return list(dict.fromkeys(g.reported for g in self.call_now if g.reported))

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.tier == name), None)


# ---------- other record pages ----------


@dataclass(frozen=True)
class Wording:
    """One wording of a side-effect field: for everyone (`readers` None) or for one audience's readers."""

    readers: str | None  # "adults", "parents and caregivers"
    value: Any  # a text, or a list of texts


@dataclass(frozen=True)
class SideEffectView(View):
    effect: model.SideEffect
    what_it_is: tuple[Wording, ...]
    signs: tuple[Wording, ...]
    what_to_do: tuple[Wording, ...]
    call_right_away: tuple[Wording, ...]
    by_audience: dict[str, tuple[Link, ...]]  # audience slug -> drugs listing it
    sources: tuple[model.Source, ...]


@dataclass(frozen=True)
class ConditionSection:
    audience: Audience
    summary: str | None
    drugs: tuple[Link, ...]


@dataclass(frozen=True)
class ConditionView(View):
    condition: model.Condition
    sections: tuple[ConditionSection, ...]
    narrative: str | None
    sources: tuple[model.Source, ...]


@dataclass(frozen=True)
class ClassNode:
    link: Link
    children: tuple[ClassNode, ...]


@dataclass(frozen=True)
class TreatmentView(View):
    treatment: model.TreatmentClass
    picture: Drawing | None
    narrower: tuple[ClassNode, ...]
    by_audience: dict[str, tuple[Link, ...]]  # audience slug -> drugs of this kind
    narrative: str | None
    sources: tuple[model.Source, ...]


@dataclass(frozen=True)
class ArticleView(View):
    """A page of plain guidance (help and support, ...): its record, its narrative, its sources."""

    article: model.Article
    narrative: str | None
    sources: tuple[model.Source, ...]


# ---------- lists and site pages ----------


@dataclass(frozen=True)
class HomeView(View):
    counts: dict[str, int]  # audience slug -> drug pages
    help: tuple[Link, ...]


@dataclass(frozen=True)
class ConditionGroup:
    condition: model.Condition
    url: str
    summary: str
    drugs: tuple[Link, ...]


@dataclass(frozen=True)
class AudienceHomeView(View):
    audience: Audience
    by_condition: tuple[ConditionGroup, ...]
    handouts: str  # URL of the handout list
    help: tuple[Link, ...]


@dataclass(frozen=True)
class ListView(View):
    items: tuple[Link, ...]


@dataclass(frozen=True)
class HandoutFile:
    label: str  # "A4", "US Letter", "Large print, A4", or a bundle's treatment
    url: str
    pages: int | None = None  # known once the PDF is made (the handout build fills it in)


@dataclass(frozen=True)
class HandoutItem:
    title: str
    note: str
    reviewed: dt.date
    files: tuple[HandoutFile, ...]  # one per edition, the default paper first


@dataclass(frozen=True)
class HandoutListView(View):
    audience: Audience
    items: tuple[HandoutItem, ...]
    bundles: tuple[HandoutFile, ...]  # one per kind of treatment


@dataclass(frozen=True)
class TreeView(View):
    tree: tuple[ClassNode, ...]


@dataclass(frozen=True)
class AZRow:
    name: str
    kind: str  # "generic", "brand" or "short name"
    see: str | None  # the generic name a brand or short name stands for
    pages: tuple[Link, ...]  # one per audience
    treatment: str  # the kind of treatment it is, so "CAR T" finds tisagenlecleucel


@dataclass(frozen=True)
class AZView(View):
    letters: dict[str, tuple[AZRow, ...]]


@dataclass(frozen=True)
class GlossaryView(View):
    letters: dict[str, tuple[tuple[str, model.GlossaryTerm], ...]]  # first letter -> (anchor id, term)


@dataclass(frozen=True)
class Update:
    date: dt.date
    title: str  # the record's title
    what: str  # the change, in one plain sentence
    pages: tuple[Link, ...]  # the record's pages (a drug has one per audience)


@dataclass(frozen=True)
class UpdatesView(View):
    items: tuple[Update, ...]  # newest first


@dataclass(frozen=True)
class EmptyView(View):
    """A page whose template needs nothing but the site (404)."""
