"""The shape of every content record: one definition that validates the YAML and exports JSON Schema.

Field descriptions double as editor help: they appear in the JSON Schema that YAML tools show on hover.
Every field has one; tests/test_schema.py fails on a field without.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# A slug that names another record. The schema marks which kind, and `build.py schema` replaces the mark with
# the slugs that exist in the content folder, so an editor's YAML plugin offers them as completions.
REFERS_TO = "x-refers-to"


def _refers_to(kind: str) -> Any:
    return Field(json_schema_extra={REFERS_TO: kind})


SideEffectSlug = Annotated[Slug, _refers_to("side-effects")]
ConditionSlug = Annotated[Slug, _refers_to("conditions")]
ClassSlug = Annotated[Slug, _refers_to("classes")]
SourceSlug = Annotated[Slug, _refers_to("sources")]

# Only a real YYYY-MM-DD date: a bare number would otherwise be read as seconds since 1970.
Date = Annotated[dt.date, Strict()]
AudienceSlug = Literal["adult", "child"]  # the Audience values themselves live in audience.py


class Record(BaseModel):
    """Every record refuses unknown fields, so a misspelt field is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PageRecord(Record):
    """A record that becomes a page. A draft is checked like any other record but never published."""

    draft: bool = Field(False, description="true: checked with everything else, but no page is published.")


def _voiced_schema(item: dict) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "anyOf": [
                item,
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["adult", "child"],
                    "properties": {
                        "adult": {**item, "description": "Wording on adult pages, speaking to 'you'."},
                        "child": {**item, "description": "Wording on child pages, to parents about 'your child'."},
                    },
                    "description": "Separate wording for adult pages ('you') and child pages ('your child').",
                },
            ]
        }
    )


class TextByAudience(Record):
    adult: Text = Field(description="Wording on adult pages, speaking to 'you'.")
    child: Text = Field(description="Wording on child pages, speaking to parents about 'your child'.")


class ListByAudience(Record):
    adult: list[Text] = Field(description="Items on adult pages, speaking to 'you'.")
    child: list[Text] = Field(description="Items on child pages, speaking to parents about 'your child'.")


# Reader-facing text of a shared record: one neutral text, or {adult: ..., child: ...} where the reader's
# voice differs. voiced() picks the one an audience reads.
Voiced = Annotated[Text | TextByAudience, _voiced_schema({"type": "string"})]
VoicedList = Annotated[list[Text] | ListByAudience, _voiced_schema({"type": "array", "items": {"type": "string"}})]


def voiced(value, audience: str):
    """The text (or list) one audience reads: its own wording where the record gives one, else the shared one."""
    return getattr(value, audience) if isinstance(value, TextByAudience | ListByAudience) else value


def voices(value) -> list[tuple[str | None, object]]:
    """Every wording of a field: [(None, text)] when shared, else [("adult", ...), ("child", ...)]."""
    if isinstance(value, TextByAudience | ListByAudience):
        return [("adult", value.adult), ("child", value.child)]
    return [(None, value)]


# ---------- site settings and shared registries ----------


class Clinic(Record):
    name: Text | None = Field(None, description="Clinic or hospital name printed on handouts.")
    phone: Text | None = Field(None, description="Care team phone printed on handouts.")
    after_hours_phone: Text | None = Field(None, description="After-hours phone printed on handouts.")


def _null_allowed(schema: dict[str, Any]) -> None:
    """`clinic:` with every line below it commented out is null in YAML; the model takes that as no details,
    so the schema must accept it too."""
    schema["anyOf"] = [{"$ref": schema.pop("$ref")}, {"type": "null"}]


class Site(Record):
    title: Text = Field(description="Site title shown in every page header.")
    base_url: Annotated[str, StringConstraints(pattern=r"^https://[^\s]+/$")] = Field(
        description="Public address of the site, ending in '/'. Printed on handouts and in their QR codes."
    )
    contact: Text = Field(description="Default line telling readers who to contact with questions.")
    review_months: int = Field(12, ge=1, le=60, description="How many months a record stays current after review.")
    handout_paper: Literal["A4", "letter"] = Field("A4", description="Paper size of the handout PDFs.")
    max_file_kb: int = Field(
        512, ge=1, le=100_000, description="Largest content file the build reads, in KB; bigger files are refused."
    )
    clinic: Annotated[Clinic, BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=Clinic,
        description="Optional clinic details printed on handouts. Leave them out for blank write-in lines.",
        json_schema_extra=_null_allowed,
    )
    voice_allowed: list[Text] = Field(
        default_factory=list,
        description="Phrases the reader's-voice check of `check` accepts, e.g. 'your blood pressure drops' where "
        "it is said to a parent about the parent. See the README, 'The reader's voice'.",
    )


class Source(Record):
    title: Text = Field(description="Title as the document gives it.")
    publisher: Text = Field(description="Publisher as the document gives it.")
    date: Text | None = Field(None, description="Date the document gives for its last revision or review.")
    document: Text | None = Field(None, description="Internal: the source file this was read from.")
    about: Literal["adults", "children", "adults and children"] | None = Field(
        None,
        description="Whom the document is about. A drug page for one audience that cites only sources about the "
        "other is reported by `check`.",
    )


# ---------- what every published record carries: when it was checked, and what changed ----------


class Change(Record):
    date: Date = Field(description="When the change was made (on or before the record's reviewed date).")
    what: Text = Field(description="One plain sentence a reader can follow, e.g. 'Added the brand name Kymriah.'")


class Reviewed(PageRecord):
    """A record readers rely on: the page shows when it was last checked and when it is next due."""

    reviewed: Date = Field(description="Date the record was last checked against its sources.")
    review_due: Date | None = Field(None, description="Defaults to reviewed + site review_months.")
    changes: list[Change] = Field(
        default_factory=list,
        description="What changed for readers, newest first or in any order: shown under 'What changed' on the "
        "page, on the Recent updates page and in the updates feed.",
    )


# ---------- side effects ----------


class SideEffect(Reviewed):
    name: Text = Field(description="Plain name, e.g. 'Cytokine release syndrome (CRS)'.")
    also_called: list[Text] = Field(default_factory=list, description="Other names readers may know it by.")
    what_it_is: Voiced = Field(description="Plain description: what it is and why it happens.")
    signs: VoicedList = Field(default_factory=list, description="Signs to look out for.")
    what_to_do: Voiced = Field(description="What the reader can do about it.")
    call_right_away: VoicedList = Field(
        default_factory=list,
        description="Signs that mean: call the care team right away. Shown boxed on drug pages and handouts.",
    )
    sources: list[SourceSlug] = Field(min_length=1, description="Slugs from content/sources.yaml.")

    @property
    def title(self) -> str:
        return self.name


# ---------- drugs ----------


class SideEffectRef(Record):
    effect: SideEffectSlug = Field(description="Slug of a file in content/side-effects/.")
    note: Text | None = Field(None, description="What is particular to this drug, e.g. 'around the eyes'.")
    reported_in: Literal["adults", "children"] | None = Field(
        None,
        description="Where the source reported it. On the other audience's page it is shown labelled, e.g. "
        "'Reported in adults. Ask your child's care team whether this applies.'",
    )


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
                {
                    "type": "string",
                    "pattern": SLUG_PATTERN,
                    "description": "Slug of a file in content/side-effects/.",
                    REFERS_TO: "side-effects",
                },
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["effect"],
                    "properties": {
                        "effect": {
                            "type": "string",
                            "pattern": SLUG_PATTERN,
                            "description": "Slug of a file in content/side-effects/.",
                            REFERS_TO: "side-effects",
                        },
                        "note": {"type": "string", "description": "What is particular to this drug."},
                        "reported_in": {
                            "enum": ["adults", "children"],
                            "description": "Where the source reported it; labelled on the other audience's page.",
                        },
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
    source: SourceSlug = Field(description="Slug from content/sources.yaml.")


class AudienceUse(Record):
    used_for: Text = Field(description="What the drug is used for in this audience, in plain words.")
    handout_summary: Text | None = Field(
        None,
        description="A shorter used_for for the handout, where the full text is too long. It must keep every "
        "use. Without it the handout prints used_for whole.",
    )
    conditions: list[ConditionSlug] = Field(min_length=1, description="Slugs of files in content/conditions/.")
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
    treatment_class: ClassSlug = Field(alias="class", description="Slug of a file in content/classes/.")
    targets: list[Text] = Field(default_factory=list, description="What it attaches to or blocks, e.g. CD19.")
    what_it_is: Text = Field(description="One or two plain sentences: what kind of medicine this is.")
    how_it_works: Text = Field(description="How it works, in plain words, with terms explained.")
    how_given: HowGiven = Field(description="How it is given: route, schedule, setting and what to expect.")
    audiences: Audiences = Field(description="Which audiences it is used in; each gets its own page.")
    side_effects: SideEffectTiers = Field(description="Side effects in three tiers, for every audience.")
    sources: list[SourceSlug] = Field(min_length=1, description="Slugs from content/sources.yaml.")

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
    what_it_is: Text = Field(description="What this type of leukemia is, in plain words.")
    adult: ConditionAudience | None = Field(None, description="What it means for adults, where the sources say.")
    child: ConditionAudience | None = Field(
        None, description="What it means for children, written to parents, where the sources say."
    )
    gene_changes: list[GeneChange] = Field(
        default_factory=list, description="Changes in the leukemia cells' genes that help choose the treatment."
    )
    sources: list[SourceSlug] = Field(min_length=1, description="Slugs from content/sources.yaml.")

    @property
    def title(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name != self.name else self.name


class TreatmentClass(Reviewed):
    name: Text = Field(description="Plain name, e.g. 'CAR T-cell therapy'.")
    what_it_is: Text = Field(description="One or two plain sentences: what kind of treatment this is.")
    how_it_works: Text = Field(description="How it works, in plain words, with terms explained.")
    how_given: Text | None = Field(None, description="How treatments of this kind are usually given.")
    steps: list[Text] = Field(default_factory=list, description="Steps of treatment, in order, where it has them.")
    picture: Picture | None = Field(
        None, description="A timeline drawn on this page and on its drugs' pages that have no picture of their own."
    )
    part_of: ClassSlug | None = Field(
        None, description="Slug of a broader kind of treatment in content/classes/ that this one belongs to."
    )
    sources: list[SourceSlug] = Field(min_length=1, description="Slugs from content/sources.yaml.")

    @property
    def title(self) -> str:
        return self.name


# ---------- articles: pages of plain guidance, such as help and support ----------


class Article(Reviewed):
    title: Text = Field(description="The page's title, e.g. 'Help and support'.")
    summary: Text = Field(description="One or two plain sentences: what the page offers. Shown in lists.")
    sources: list[SourceSlug] = Field(min_length=1, description="Slugs from content/sources.yaml.")


class GlossaryTerm(Record):
    term: Text = Field(description="The word or short name as readers meet it, e.g. 'CD19'.")
    definition: Text = Field(description="What it means, in one or two plain sentences.")
    also: list[Text] = Field(default_factory=list, description="Other spellings that should link here.")
