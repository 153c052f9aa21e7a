"""A synthetic content/ tree of any size, in the project's own format, for measuring the build.

Run: python benchmarks/corpus.py 250 /tmp/content-250

Every drug has adult and child pages, a ~200-word narrative with headings for each audience, and
8 common + 4 serious + 2 urgent side effects drawn from 120 side-effect records; there are 10 classes and
6 conditions. The words are filler, not medical facts: this tree is for timing only and is never published.
The same N always gives the same bytes, so runs can be compared.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "content"

SIDE_EFFECTS = 120
CLASSES = 10
CONDITIONS = 6
TIERS = {"common": 8, "serious": 4, "urgent": 2}
SOURCES = ["acs-all-immunotherapy-adults", "acs-childhood-leukemia-immunotherapy", "leukemia-immunotherapy-overview"]
SYLLABLES = ["ba", "do", "fi", "ka", "le", "mo", "nu", "pa", "ri", "so", "ta", "vi", "xe", "zo", "lu", "ne"]
ENDINGS = ["mab", "tinib", "cel", "zumab", "nib", "ximab"]
WORDS = str.split(
    "the care team will check your blood often and talk with you about how you feel each day at home "
    "this medicine can help some people and it may cause side effects that go away after a few weeks "
    "ask when to call and keep the phone number close by drink water rest and eat small meals when you can"
)


def sentence(rng: random.Random, low: int = 7, high: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def name(rng: random.Random, number: int, ending: str) -> str:
    stem = "".join(rng.choice(SYLLABLES) for _ in range(3))
    return f"{stem}{ending}{number}".capitalize()


def yaml_text(value: str) -> str:
    """Generated prose is letters, spaces and full stops only, so it is safe as a plain scalar."""
    return value


def write_side_effect(folder: Path, n: int, rng: random.Random) -> None:
    signs = "\n".join(f"  - {sentence(rng, 3, 6)}" for _ in range(2))
    urgent = "\n".join(f"  - {sentence(rng, 3, 6)}" for _ in range(2))
    (folder / f"effect-{n:03d}.yaml").write_text(
        f"name: Effect {n:03d}\n"
        f"what_it_is: {yaml_text(paragraph(rng, 3))}\n"
        f"signs:\n{signs}\n"
        f"what_to_do: {yaml_text(paragraph(rng, 2))}\n"
        f"call_right_away:\n{urgent}\n"
        "reviewed: 2026-11-01\n"
        f"sources: [{SOURCES[0]}]\n"
    )


def write_class(folder: Path, n: int, rng: random.Random) -> None:
    part_of = f"part_of: class-{n % 2:02d}\n" if n >= 2 else ""
    (folder / f"class-{n:02d}.yaml").write_text(
        f"name: Kind of treatment {n:02d}\n"
        f"what_it_is: {yaml_text(paragraph(rng, 2))}\n"
        f"how_it_works: {yaml_text(paragraph(rng, 3))}\n"
        f"{part_of}"
        "reviewed: 2026-11-01\n"
        f"sources: [{SOURCES[0]}]\n"
    )
    (folder / f"class-{n:02d}.md").write_text(f"## About this kind\n\n{paragraph(rng, 5)}\n")


def write_condition(folder: Path, n: int, rng: random.Random) -> None:
    (folder / f"condition-{n}.yaml").write_text(
        f"name: Condition {n}\n"
        f"short_name: C{n}\n"
        f"what_it_is: {yaml_text(paragraph(rng, 3))}\n"
        f"adult:\n  summary: {yaml_text(paragraph(rng, 2))}\n"
        f"child:\n  summary: {yaml_text(paragraph(rng, 2))}\n"
        "reviewed: 2026-11-01\n"
        f"sources: [{SOURCES[0]}]\n"
    )


def narrative(rng: random.Random, effects: list[str], audience: str) -> str:
    """About 200 words under three headings, with links to side-effect pages as real narratives have."""
    who = "your child" if audience == "child" else "you"
    parts = [
        f"## What to expect\n\n{paragraph(rng, 5)} This is what {who} can expect.\n",
        f"## Side effects to watch for\n\nSee [{effects[0]}](side-effect:{effects[0]}) and "
        f"[{effects[1]}](side-effect:{effects[1]}). {paragraph(rng, 4)}\n",
        "## Questions to ask\n\n" + "\n".join(f"- {sentence(rng, 5, 9)}" for _ in range(3)) + "\n",
        f"{paragraph(rng, 4)}\n",
    ]
    return "\n".join(parts)


def write_drug(folder: Path, n: int, rng: random.Random) -> None:
    slug = f"drug-{n:04d}"
    chosen = rng.sample(range(SIDE_EFFECTS), sum(TIERS.values()))
    tiers, start = {}, 0
    for tier, count in TIERS.items():
        tiers[tier] = [f"effect-{e:03d}" for e in chosen[start : start + count]]
        start += count
    effect_lines = "".join(
        f"  {tier}:\n" + "".join(f"    - {slug_}\n" for slug_ in slugs) for tier, slugs in tiers.items()
    )
    conditions = sorted(rng.sample(range(CONDITIONS), rng.choice([1, 1, 2])))
    condition_list = ", ".join(f"condition-{c}" for c in conditions)
    audiences = "".join(
        f"  {audience}:\n    used_for: {yaml_text(sentence(rng))}\n    conditions: [{condition_list}]\n"
        for audience in ("adult", "child")
    )
    expect = "".join(f"    - {sentence(rng, 5, 9)}\n" for _ in range(2))
    (folder / f"{slug}.yaml").write_text(
        f"generic_name: {name(rng, n, rng.choice(ENDINGS))}\n"
        f"brand_names: [{name(rng, n, 'a')}]\n"
        f"class: class-{rng.randrange(CLASSES):02d}\n"
        f"targets: [CD{rng.randint(1, 60)}]\n"
        f"what_it_is: {yaml_text(paragraph(rng, 2))}\n"
        f"how_it_works: {yaml_text(paragraph(rng, 4))}\n"
        "how_given:\n"
        "  route: Into a vein (IV)\n"
        f"  schedule: {yaml_text(sentence(rng))}\n"
        f"  what_to_expect:\n{expect}"
        f"audiences:\n{audiences}"
        f"side_effects:\n{effect_lines}"
        "reviewed: 2026-11-01\n"
        f"sources: [{', '.join(SOURCES)}]\n"
    )
    shown = tiers["urgent"] + tiers["serious"]
    for audience in ("adult", "child"):
        (folder / f"{slug}.{audience}.md").write_text(narrative(rng, shown, audience))


def generate(drugs: int, into: Path) -> Path:
    """Write the corpus to `into` (replacing it) and return it. Site settings, sources and glossary are the
    real ones, so glossary terms and source lists cost what they cost on the real site."""
    if into.exists():
        shutil.rmtree(into)
    for folder in ("drugs", "side-effects", "classes", "conditions"):
        (into / folder).mkdir(parents=True)
    for file in ("site.yaml", "sources.yaml", "glossary.yaml"):
        shutil.copy(REAL / file, into / file)
    rng = random.Random(f"patientpages-corpus-{drugs}")
    for n in range(SIDE_EFFECTS):
        write_side_effect(into / "side-effects", n, rng)
    for n in range(CLASSES):
        write_class(into / "classes", n, rng)
    for n in range(CONDITIONS):
        write_condition(into / "conditions", n, rng)
    for n in range(drugs):
        write_drug(into / "drugs", n, rng)
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drugs", type=int, help="number of drugs")
    parser.add_argument("into", type=Path, help="folder to write (replaced if it exists)")
    args = parser.parse_args()
    generate(args.drugs, args.into)
    print(f"wrote {args.drugs} drugs to {args.into}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
