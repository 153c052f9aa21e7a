"""`new drug <slug>`: a commented starter record an editor fills in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .errors import Refused
from .model import SLUG_PATTERN

DRUG_TEMPLATE = """\
# {name}: fill in every field, then run `python build.py check`.
# Facts must come from the source documents; write them in your own plain words (reading grade 6-8).
# Field help: schema/drug.schema.json (editors with a YAML plugin show it as you type).
generic_name: {name}
brand_names: []              # e.g. [Blincyto]
also_called: []              # short names, e.g. [tisa-cel]
class: monoclonal-antibody   # a file name in content/classes/ (without .yaml)
targets: []                  # e.g. [CD19, CD3]
what_it_is: >-
  One or two plain sentences: what kind of medicine this is.
how_it_works: >-
  How it works, with each medical word explained the first time.
how_given:
  route: Into a vein (IV)    # or: Pills taken by mouth
  schedule: >-
    How often and for how long, in plain words. Never a dose.
  setting: Where it is given, e.g. in the hospital or a clinic.
  what_to_expect: []
audiences:                   # keep only the audiences the sources describe
  adult:
    used_for: >-
      What it is used for in adults, speaking to the reader as "you".
    conditions: [acute-lymphocytic-leukemia]   # file names in content/conditions/
  child:
    used_for: >-
      What it is used for in children, speaking to parents as "your child".
    conditions: [acute-lymphocytic-leukemia]
side_effects:                # file names in content/side-effects/
  common: []
  serious: []
  urgent: []                 # "call your care team right away"
reviewed: {today}
sources: []                  # slugs from content/sources.yaml
"""


def new_drug(content: Path, slug: str, today: dt.date) -> Path:
    if not re.fullmatch(SLUG_PATTERN, slug):
        raise Refused(
            f"'{slug}' is not a valid slug: use the generic name in lower case with hyphens, "
            "like 'inotuzumab-ozogamicin'"
        )
    path = content / "drugs" / f"{slug}.yaml"
    if path.exists():
        raise Refused(f"{path} already exists; edit it instead")
    name = slug.replace("-", " ").capitalize()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DRUG_TEMPLATE.format(name=name, today=today.isoformat()), encoding="utf-8")
    return path
