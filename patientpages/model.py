"""The shape of every content record: one definition that validates the YAML and exports JSON Schema.

Field descriptions double as editor help: they appear in the JSON Schema that YAML tools show on hover.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema, model_validator

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
AudienceSlug = Literal["adult", "child"]  # the Audience values themselves live in audience.py


class Record(BaseModel):
    """Every record refuses unknown fields, so a misspelt field is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------- site settings and shared registries ----------


class Clinic(Record):
    name: Text | None = Field(None, description="Clinic or hospital name printed on handouts.")
    phone: Text | None = Field(None, description="Care team phone printed on handouts.")
    after_hours_phone: Text | None = Field(None, description="After-hours phone printed on handouts.")


class Site(Record):
    title: Text = Field(description="Site title shown in every page header.")
    base_url: Annotated[str, StringConstraints(pattern=r"^https://[^\s]+/$")] = Field(
        description="Public address of the site, ending in '/'. Printed on handouts and in their QR codes."
    )
    contact: Text = Field(description="Default line telling readers who to contact with questions.")
    review_months: int = Field(12, ge=1, le=60, description="How many months a record stays current after review.")
    handout_paper: Literal["A4", "letter"] = Field("A4", description="Paper size of the handout PDFs.")
    clinic: Annotated[Clinic, BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=Clinic, description="Optional clinic details printed on handouts."
    )


class Source(Record):
    title: Text = Field(description="Title as the document gives it.")
    publisher: Text = Field(description="Publisher as the document gives it.")
    date: Text | None = Field(None, description="Date the document gives for its last revision or review.")
    document: Text | None = Field(None, description="Internal: the source file this was read from.")


# ---------- what every published record carries: when it was checked, and what changed ----------


class Change(Record):
    date: dt.date = Field(description="When the change was made (on or before the record's reviewed date).")
    what: Text = Field(description="One plain sentence a reader can follow, e.g. 'Added the brand name Kymriah.'")


class Reviewed(Record):
    """A record readers rely on: the page shows when it was last checked and when it is next due."""

    reviewed: dt.date = Field(description="Date the record was last checked against its sources.")
    review_due: dt.date | None = Field(None, description="Defaults to reviewed + site review_months.")
    changes: list[Change] = Field(
        default_factory=list,
        description="What changed for readers, newest first or in any order: shown under 'What changed' on the "
        "page, on the Recent updates page and in the updates feed.",
    )


# ---------- side effects ----------


class SideEffect(Reviewed):
    name: Text = Field(description="Plain name, e.g. 'Cytokine release syndrome (CRS)'.")
    also_called: list[Text] = Field(default_factory=list, description="Other names readers may know it by.")
    what_it_is: Text = Field(description="Plain description: what it is and why it happens.")
    signs: list[Text] = Field(default_factory=list, description="Signs to look out for.")
    what_to_do: Text = Field(description="What the reader can do about it.")
    call_right_away: list[Text] = Field(
        default_factory=list,
        description="Signs that mean: call the care team right away. Shown boxed on drug pages and handouts.",
    )
    sources: list[Slug] = Field(min_length=1, description="Slugs from content/sources.yaml.")

    @property
    def title(self) -> str:
        return self.name


# ---------- drugs ----------


class SideEffectRef(Record):
    effect: Slug = Field(description="Slug of a file in content/side-effects/.")
    note: Text | None = Field(None, description="What is particular to this drug, e.g. 'around the eyes'.")


def _entry_from_slug(value: object) -> object:
    return {"effect": value} if isinstance(value, str) else value


# A tier entry is a bare slug or {effect, note}. Converting before validation (rather than a Union) keeps
# one error per mistake instead of one per union member; the schema still offers editors both forms.
EffectEntry = Annotated[
    SideEffectRef,
    BeforeValidator(_entry_from_slug),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": SLUG_PATTERN, "description": "Slug of a file in content/side-effects/."},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["effect"],
                    "properties": {
                        "effect": {"type": "string", "pattern": SLUG_PATTERN},
                        "note": {"type": "string", "description": "What is particular to this drug."},
                    },
                },
            ]
        }
    ),
]


class SideEffectTiers(Record):
    common: list[EffectEntry] = Field(default_factory=list, description="Common side effects.")
    serious: list[EffectEntry] = Field(default_factory=list, description="Serious side effects.")
    urgent: list[EffectEntry] = Field(default_factory=list, description="Call your care team right away.")
    serious_title: Text | None = Field(
        None,
        description="Heading over the serious tier where a source describes it more closely, e.g. "
        "'Less common but serious side effects'. Without it: 'Serious side effects'.",
    )


# ---------- pictures of how a treatment is given ----------


class CycleBlock(Record):
    days: int = Field(ge=1, le=90, description="How many days this part of the cycle lasts.")
    given: Literal["day-and-night", "once", "none"] = Field(
        description="'day-and-night': a drip that keeps running; 'once': one dose on the first day; 'none': a break."
    )
    label: Text = Field(description="A few plain words drawn over this part, e.g. 'Drip runs day and night'.")
    maybe: bool = Field(False, description="True when only some people have this part (e.g. 'for 3 or 4 weeks').")


class Step(Record):
    label: Text = Field(description="A few plain words for the step, e.g. 'T cells collected'.")
    takes: Text | None = Field(None, description="How long it takes, only as the sources say it: 'a few weeks'.")


class Picture(Record):
    """A timeline the build draws from the facts: fill in exactly one of cycle, every_day or steps."""

    caption: Text = Field(description="The picture's title, e.g. 'One cycle of blinatumomab'.")
    cycle: list[CycleBlock] = Field(
        default_factory=list, description="The parts of one treatment cycle, in order (a drip, then a break)."
    )
    repeats: bool = Field(False, description="With cycle: true when more cycles may follow.")
    every_day: list[Annotated[int, Field(ge=1, le=4)]] = Field(
        default_factory=list,
        max_length=2,
        description="Doses a day, taken every day: [2] for twice a day, [1, 2] for 'once or twice a day'.",
    )
    steps: list[Step] = Field(default_factory=list, description="Steps of treatment in order, 2 to 7 of them.")

    @model_validator(mode="after")
    def _one_kind(self) -> Picture:
        given = [name for name in ("cycle", "every_day", "steps") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError(f"give exactly one of cycle, every_day or steps (found {len(given) or 'none'})")
        if self.steps and not 2 <= len(self.steps) <= 7:
            raise ValueError("steps: give 2 to 7 steps")
        if self.repeats and not self.cycle:
            raise ValueError("repeats goes with cycle")
        return self


class HowGiven(Record):
    route: Text = Field(description="How it enters the body, e.g. 'Into a vein (IV)', 'Pills by mouth'.")
    schedule: Text | None = Field(None, description="How often and for how long, in plain words. No doses.")
    setting: Text | None = Field(None, description="Where it is given: hospital, clinic, at home.")
    what_to_expect: list[Text] = Field(default_factory=list, description="Short points on what the day is like.")
    picture: Picture | None = Field(
        None, description="A timeline drawn on the page and handout, where the sources give the schedule."
    )


class Study(Record):
    year: int = Field(ge=1950, le=2100, description="Year the results were published.")
    people: Text = Field(description="Who took part, e.g. '405 adults with ALL that came back'.")
    found: Text = Field(description="What was found, in plain words, without overstating it.")
    source: Slug = Field(description="Slug from content/sources.yaml.")


class AudienceUse(Record):
    used_for: Text = Field(description="What the drug is used for in this audience, in plain words.")
    conditions: list[Slug] = Field(min_length=1, description="Slugs of files in content/conditions/.")
    how_given: HowGiven | None = Field(None, description="Replaces the drug's how_given for this audience.")
    side_effects: SideEffectTiers = Field(
        default_factory=SideEffectTiers, description="Added to the drug's side effects for this audience."
    )
    studies: list[Study] = Field(default_factory=list, description="Study results reported for this audience.")


class Audiences(Record):
    adult: AudienceUse | None = Field(None, description="Present when the drug is used in adults.")
    child: AudienceUse | None = Field(None, description="Present when the drug is used in children.")


class Drug(Reviewed):
    generic_name: Text = Field(description="Generic name, e.g. 'Inotuzumab ozogamicin'.")
    brand_names: list[Text] = Field(default_factory=list, description="Brand names as the sources give them.")
    also_called: list[Text] = Field(default_factory=list, description="Short names, e.g. 'tisa-cel'.")
    treatment_class: Slug = Field(alias="class", description="Slug of a file in content/classes/.")
    targets: list[Text] = Field(default_factory=list, description="What it attaches to or blocks, e.g. CD19.")
    what_it_is: Text = Field(description="One or two plain sentences: what kind of medicine this is.")
    how_it_works: Text = Field(description="How it works, in plain words, with terms explained.")
    how_given: HowGiven
    audiences: Audiences = Field(description="Which audiences it is used in; each gets its own page.")
    side_effects: SideEffectTiers
    sources: list[Slug] = Field(min_length=1, description="Slugs from content/sources.yaml.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @property
    def title(self) -> str:
        return self.generic_name


# ---------- conditions and classes ----------


class ConditionAudience(Record):
    summary: Text = Field(description="What this condition means for this audience.")


class GeneChange(Record):
    name: Text = Field(description="e.g. 'Philadelphia chromosome (BCR-ABL)'.")
    what_it_is: Text = Field(description="Plain explanation.")
    why_it_matters: Text = Field(description="How it decides treatment.")


class Condition(Reviewed):
    name: Text = Field(description="Full name, e.g. 'Acute lymphocytic leukemia'.")
    short_name: Text = Field(description="Abbreviation, e.g. 'ALL'.")
    what_it_is: Text
    adult: ConditionAudience | None = None
    child: ConditionAudience | None = None
    gene_changes: list[GeneChange] = Field(default_factory=list)
    sources: list[Slug] = Field(min_length=1)

    @property
    def title(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name != self.name else self.name


class TreatmentClass(Reviewed):
    name: Text = Field(description="Plain name, e.g. 'CAR T-cell therapy'.")
    what_it_is: Text
    how_it_works: Text
    how_given: Text | None = None
    steps: list[Text] = Field(default_factory=list, description="Steps of treatment, in order, where it has them.")
    picture: Picture | None = Field(
        None, description="A timeline drawn on this page and on its drugs' pages that have no picture of their own."
    )
    part_of: Slug | None = Field(None, description="A broader class this belongs to.")
    sources: list[Slug] = Field(min_length=1)

    @property
    def title(self) -> str:
        return self.name


# ---------- articles: pages of plain guidance, such as help and support ----------


class Article(Reviewed):
    title: Text = Field(description="The page's title, e.g. 'Help and support'.")
    summary: Text = Field(description="One or two plain sentences: what the page offers. Shown in lists.")
    sources: list[Slug] = Field(min_length=1, description="Slugs from content/sources.yaml.")


class GlossaryTerm(Record):
    term: Text
    definition: Text
    also: list[Text] = Field(default_factory=list, description="Other spellings that should link here.")
