"""`new <kind> <slug>`: a commented starter record an editor fills in.

A starter sets no default an editor could forget and silently keep: fields that must be chosen (a drug's
class, its conditions, the date it was reviewed, every record's sources) are left empty, so `check` names
the line to fill in; every sentence to write is marked STARTER_MARK, which `check` reports wherever it is
left (rules.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Refused
from .model import SLUG_PATTERN

# Begins every placeholder sentence, so a forgotten one is found however the rest of it was edited.
STARTER_MARK = "Write here:"

_HEADER = """\
# {name}: fill in every field, then run `python build.py check`.
# Facts must come from the source documents; write them in your own plain words (reading grade 6-8).
# Field help: schema/{schema}.schema.json (editors with a YAML plugin show it as you type).
# Add `draft: true` to check this record without publishing it.
"""

DRUG = (
    _HEADER
    + """\
generic_name: {name}
brand_names: []              # e.g. [Blincyto]
also_called: []              # short names, e.g. [tisa-cel]
class:                       # required: a file name in content/classes/ (without .yaml)
targets: []                  # as the sources name them, e.g. [CD19, CD3]
what_it_is: >-
  {mark} one or two plain sentences: what kind of medicine this is.
how_it_works: >-
  {mark} how it works, with each medical word explained the first time.
how_given:
  route:                     # required, e.g. Into a vein (IV), or: Pills by mouth
  schedule:                  # how often and for how long, in plain words; never a dose (or delete the line)
  setting:                   # where it is given (or delete the line)
  what_to_expect: []
audiences:                   # keep only the audiences the sources describe
  adult:
    used_for: >-
      {mark} what it is used for in adults, speaking to the reader as "you".
    conditions: []           # required: file names in content/conditions/
  child:
    used_for: >-
      {mark} what it is used for in children, speaking to parents about "your child".
    conditions: []
side_effects:                # file names in content/side-effects/; add reported_in: adults|children where
  common: []                 # a source reports an effect in one audience only
  serious: []
  urgent: []                 # "call your care team right away"
reviewed:                    # required: the date you checked every fact against its sources (YYYY-MM-DD)
sources: []                  # required: slugs from content/sources.yaml
"""
)

SIDE_EFFECT = (
    _HEADER
    + """\
name: {name}
also_called: []
what_it_is: >-
  {mark} what it is and why it happens, in plain words.
signs: []                    # signs to look out for
what_to_do: >-
  {mark} what the reader can do about it. Where adults and parents need different words, write
  what_to_do: {{adult: ..., child: ...}}
call_right_away: []          # signs that mean "call the care team right away"
sources: []                  # required: slugs from content/sources.yaml
"""
)

CONDITION = (
    _HEADER
    + """\
name: {name}
short_name:                  # required: the abbreviation, e.g. ALL (or the name again if it has none)
what_it_is: >-
  {mark} what this type of leukemia is, in plain words.
adult:                       # keep only the audiences the sources describe
  summary: >-
    {mark} what it means for adults and how it is treated.
child:
  summary: >-
    {mark} what it means for children, speaking to parents.
sources: []                  # required: slugs from content/sources.yaml
"""
)

TREATMENT_CLASS = (
    _HEADER
    + """\
name: {name}
what_it_is: >-
  {mark} what this kind of treatment is.
how_it_works: >-
  {mark} how it works, with each medical word explained the first time.
part_of:                     # a broader class in content/classes/, or delete the line
sources: []                  # required: slugs from content/sources.yaml
"""
)

# kind on the command line -> (folder under content/, schema name, starter text)
STARTERS: dict[str, tuple[str, str, str]] = {
    "drug": ("drugs", "drug", DRUG),
    "side-effect": ("side-effects", "side-effect", SIDE_EFFECT),
    "condition": ("conditions", "condition", CONDITION),
    "class": ("classes", "class", TREATMENT_CLASS),
}


def new_record(content: Path, kind: str, slug: str) -> Path:
    if not re.fullmatch(SLUG_PATTERN, slug):
        raise Refused(
            f"'{slug}' is not a valid slug: use the name in lower case with hyphens, like 'inotuzumab-ozogamicin'"
        )
    folder, schema, text = STARTERS[kind]
    path = content / folder / f"{slug}.yaml"
    if path.exists():
        raise Refused(f"{path} already exists; edit it instead")
    name = slug.replace("-", " ").capitalize()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.format(name=name, schema=schema, mark=STARTER_MARK), encoding="utf-8")
    return path
