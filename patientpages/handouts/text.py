"""What a handout says: whole sentences, short "what helps" lines, and side effects labelled with their notes.

Nothing medical is ever cut mid-sentence; a sentence about another named drug is left off this drug's handout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..content import Content
from ..views import EffectItem

# A side-effect note that is a fragment ("skin rash") or a short sentence ("Nausea.") reads as a qualifier in
# brackets after the name; a longer note is a sentence after it.
QUALIFIER_WORDS = 6
HELPS_CHARS = 170  # what_to_do keeps a second sentence only while the text stays this short

_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|St|approx|no)\.$", re.IGNORECASE)
_POINTS_BACK = re.compile(r"\b(any of )?these (signs|symptoms|problems)\b|\bany of these\b", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """Whole sentences, so nothing medical is ever cut in the middle of one."""
    parts = _SENTENCE.split(" ".join(text.split()))
    out: list[str] = []
    for part in parts:
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + part
        elif part:
            out.append(part)
    return out


def helps(what_to_do: str, other_drugs: Iterable[str]) -> str:
    """What helps, kept short: one or two whole sentences of the side effect's what_to_do. A sentence about
    another named drug ("With revumenib, ...") is left off another drug's handout, with the sentences that
    explain it."""
    others = [re.compile(rf"\b{re.escape(n)}\b", re.IGNORECASE) for n in other_drugs]
    kept, skipping = [], False
    for sentence in sentences(what_to_do):
        if any(o.search(sentence) for o in others):
            skipping = True
            continue
        if skipping and re.match(r"^(An?|The) [\w-]+ is\b|^(That|This|These|It) ", sentence):
            continue  # explains what the dropped sentence named
        skipping = False
        if _POINTS_BACK.search(sentence):
            continue  # "any of these signs": the signs are listed on the web page, not here
        kept.append(sentence)
    if not kept:
        return "Ask the care team what can help."
    text = kept[0]
    if len(kept) > 1 and len(text) + 1 + len(kept[1]) <= HELPS_CHARS:
        text += " " + kept[1]
    return text


def effect_label(item: EffectItem) -> dict[str, str]:
    """Name with the drug's note: a short note is a qualifier in brackets, a longer one a sentence after it."""
    name, note = item.name, (item.note or "").strip()
    parts = sentences(note) if note else []
    if note and (note[0].islower() or len(parts) == 1 and len(note.split()) <= QUALIFIER_WORDS):
        fragment = note.rstrip(".")
        if len(fragment) > 1 and fragment[0].isupper() and fragment[1].islower():
            fragment = fragment[0].lower() + fragment[1:]
        if fragment.lower() == name.lower():
            return {"name": name, "label": name, "detail": ""}
        return {"name": name, "label": f"{name} ({fragment})", "detail": ""}
    detail = " ".join(parts)
    if detail and detail[-1] not in ".!?":
        detail += "."
    return {"name": name, "label": name, "detail": detail}


def labelled(item: EffectItem) -> dict[str, str]:
    """effect_label, with "Reported in adults. Ask ..." after it where the effect was reported in the other
    audience, so a warning from the other audience's source is never passed off as this one's."""
    label = effect_label(item)
    if item.reported:
        label["detail"] = " ".join(filter(None, [label["detail"], item.reported]))
    return label


def other_drug_names(content: Content, slug: str) -> set[str]:
    """Names of every other drug, so a "what helps" sentence about one is left off this drug's handout."""
    own = content.drugs[slug].record
    own_names = {n.lower() for n in [own.generic_name, *own.brand_names, *own.also_called]}
    names = set()
    for other_slug, entry in content.drugs.items():
        if other_slug == slug:
            continue
        for name in [entry.record.generic_name, *entry.record.brand_names]:
            if name.lower() not in own_names and len(name) > 3:
                names.add(name)
    return names
