"""Who a page speaks to. Each audience carries its URL folder, its labels and the reader's voice, so templates
and handouts ask the audience ("{{ audience.your }} care team") instead of comparing strings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
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

    @property
    def for_readers(self) -> str:
        """The tag above a page's title: "For adults", "For parents and caregivers"."""
        return f"For {self.readers}"

    @property
    def in_people(self) -> str:
        """A heading over what applies to this audience: "In adults", "In children"."""
        return f"In {self.people}"

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
)
AUDIENCES: tuple[Audience, ...] = (ADULT, CHILD)
BY_SLUG: dict[str, Audience] = {a.slug: a for a in AUDIENCES}
