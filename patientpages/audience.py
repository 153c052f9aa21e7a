"""Who a page speaks to. Each audience carries its URL folder, its labels and the reader's voice, so templates
and handouts ask the audience ("{{ audience.your }} care team") instead of comparing strings."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The reader's voice, checked by `check` (rules.py; README "Content warnings"). Adult pages never say "your
# child"; child pages never speak to the reader about their own body or care. Words may be split across lines
# in Markdown, so a space in a phrase matches any run of white space.
_BODY = (
    r"body|blood|bones?|bone marrow|skin|heart|liver|kidneys?|lungs?|immune system|(?:[a-z]+ )?cells|"
    r"platelets|veins?|temperature|leukemia|(?:blood )?test results|treatment|medicines?|doctor|symptoms"
)
_DOING = r"feel|felt|get|got|take|took|are eating|eat|bleed|bruise"
_NOT_TO_ADULTS = re.compile(r"\byour\s+(child|children|baby)\b", re.IGNORECASE)
_NOT_TO_PARENTS = re.compile(rf"\byour (?:own )?(?:{_BODY})\b|\byou (?:{_DOING})\b".replace(" ", r"\s+"), re.IGNORECASE)


@dataclass(frozen=True, eq=False)  # one value per audience, compared and hashed by identity (cheap)
class Audience:
    slug: str  # as records spell it: `audiences: adult:`, `reported_in`, narrative file names
    folder: str  # public URL folder: adults/<drug>/
    label: str  # navigation and links: "Adults"
    people: str  # who the pages are about: "adults", "children"
    readers: str  # who reads the pages: "adults", "parents and caregivers"
    readers_of: str  # the readers, of whom: "adults", "parents and caregivers of a child"
    you: str  # the person getting the medicine, as the reader is addressed: "you", "your child"
    your: str  # "your care team", "your child's care team"
    you_have: str  # "if you have", "if your child has"
    you_get: str  # "how you get it", "how your child gets it"
    ask_if_applies: str  # after "Reported in adults.": whom to ask whether it applies to this reader
    wrong_voice: re.Pattern[str]  # words that speak to the wrong reader on this audience's pages
    wrong_voice_hint: str  # what `check` says after the words it found

    def reported_in(self, people: str | None) -> str | None:
        """The label of a side effect reported in the other audience: "Reported in adults. Ask your child’s
        care team whether this applies." None when it was reported in this audience (or nowhere said)."""
        if not people or people == self.people:
            return None
        return f"Reported in {people}. {self.ask_if_applies}"

    @property
    def for_readers(self) -> str:
        """The tag above a page's title: "For adults", "For parents and caregivers"."""
        return f"For {self.readers}"

    @property
    def in_people(self) -> str:
        """A heading over what applies to this audience: "In adults", "In children"."""
        return f"In {self.people}"

    def __reduce__(self) -> tuple:
        # Unpickled (a build shared between processes) as the one value for its slug, so identity still holds.
        return (_by_slug, (self.slug,))

    def __str__(self) -> str:
        return self.slug


ADULT = Audience(
    slug="adult",
    folder="adults",
    label="Adults",
    people="adults",
    readers="adults",
    readers_of="adults",
    you="you",
    your="your",
    you_have="you have",
    you_get="you get",
    ask_if_applies="Ask your care team whether this applies to you.",
    wrong_voice=_NOT_TO_ADULTS,
    wrong_voice_hint="is said to parents, but this is a page for adults; speak to the reader as 'you'",
)
CHILD = Audience(
    slug="child",
    folder="children",
    label="Children",
    people="children",
    readers="parents and caregivers",
    readers_of="parents and caregivers of a child",
    you="your child",
    your="your child’s",
    you_have="your child has",
    you_get="your child gets",
    ask_if_applies="Ask your child’s care team whether this applies.",
    wrong_voice=_NOT_TO_PARENTS,
    wrong_voice_hint="speaks to the reader about their own body or care, on a page for parents; say 'your child'",
)
AUDIENCES: tuple[Audience, ...] = (ADULT, CHILD)
BY_SLUG: dict[str, Audience] = {a.slug: a for a in AUDIENCES}


def _by_slug(slug: str) -> Audience:
    return BY_SLUG[slug]
