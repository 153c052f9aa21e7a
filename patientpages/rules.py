"""Content rules: mistakes a build can survive but a reader would be misled by. Every build and `check` print
them as `path:line:col: warning: ...`; `check --strict` counts them as errors.

1. Starter text (STARTER_MARK) from `build.py new` left in a published record.
2. A drug page that lists serious or urgent side effects, none of which has a call-right-away sign, so its
   boxed "call right away" list would show nothing particular to the drug.
3. The reader's voice (README, "Content warnings"; the words are in audience.py): text on adult pages never
   says "your child"; text on child pages never speaks to the reader about their own body or care ("you
   feel", "your blood"). Phrases in site.yaml's `voice_allowed` are accepted.
4. A drug page for one audience whose sources are all about the other audience, with side effects that do
   not say `reported_in`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from . import kinds, model
from .audience import AUDIENCES, Audience
from .content import Entry
from .errors import Problem, problem_at
from .link import TIERS, DrugUse, SiteGraph
from .load import TextFile
from .starter import STARTER_MARK
from .tracking import Steps

VOICED_FIELDS = ("what_it_is", "signs", "what_to_do", "call_right_away")


def content_warnings(graph: SiteGraph, steps: Steps | None = None) -> list[Problem]:
    """Every warning, looked for record by record. With `steps` from the last build, a record (or a drug as one
    audience meets it) whose reads did not change keeps last build's warnings."""
    run = (steps or Steps()).run
    content = graph.content
    found = [p for entry in content.glossary for p in _starter_text(entry)]
    asked: set[tuple] = set()

    def each(step: tuple, check: Callable[..., list[Problem]], *args: Any) -> None:
        asked.add(step)
        found.extend(run(step, check, graph, *args))

    for slug in dict.keys(content.sources):
        each((STAGE, "source", slug), _source_warnings, slug)
    for folder, entries in content.folders.items():
        for slug in dict.keys(entries):
            each((STAGE, folder, slug), _record_warnings, folder, slug)
    for slug, audience in dict.keys(graph.uses):
        each((STAGE, "use", slug, audience.slug), _use_warnings, slug, audience)
    if steps is not None:
        steps.keep_only(STAGE, asked)
    return sorted(set(found))


STAGE = "warnings"  # the rules' steps among the build's steps


def _source_warnings(graph: SiteGraph, slug: str) -> list[Problem]:
    return list(_starter_text(graph.content.sources[slug]))


def _record_warnings(graph: SiteGraph, folder: str, slug: str) -> list[Problem]:
    entry = graph.content.folders[folder][slug]
    found = list(_starter_text(entry))
    if folder == kinds.CONDITION.folder:
        found += _condition_voice(entry, _allowed(graph))
    return found


def _use_warnings(graph: SiteGraph, slug: str, audience: Audience) -> list[Problem]:
    use = graph.uses[slug, audience]
    return [*_box_without_signs(graph, use), *_voice(graph, use), *_other_audience_sources(graph, use)]


# ---------- 1. starter text ----------


def _starter_text(entry: Entry) -> Iterator[Problem]:
    for key_path, text in _strings(_data(entry), _base(entry)):
        if STARTER_MARK.lower() in text.lower():
            yield entry.doc.problem(key_path, "starter text from 'build.py new' is still here; write it")
    for narrative in entry.narratives.values():
        yield from _matches(narrative, re.compile(re.escape(STARTER_MARK), re.I), "starter text is still here")


# ---------- 2. a call-right-away box with nothing particular to the drug ----------


def _box_without_signs(graph: SiteGraph, use: DrugUse) -> Iterator[Problem]:
    content, audience = graph.content, use.audience
    flagged = [e.slug for tier in ("urgent", "serious") for e in use.tiers[tier]]
    if not flagged:
        return
    if any(model.voiced(_effect(content.side_effects[s]).call_right_away, audience.slug) for s in flagged):
        return
    at = ("side_effects",) if _has_tiers(use.record.side_effects) else ("audiences", audience.slug)
    yield use.drug.doc.problem(
        at,
        f"the page for {audience.people} lists serious or urgent side effects ({', '.join(flagged)}) but its "
        "call-right-away box would show no sign of them: give one of them call_right_away signs",
    )


def _effect(entry: Entry) -> model.SideEffect:
    assert isinstance(entry.record, model.SideEffect)
    return entry.record


def _has_tiers(tiers: model.SideEffectTiers) -> bool:
    return any(getattr(tiers, t) for t in TIERS)


# ---------- 3. the reader's voice ----------


def _allowed(graph: SiteGraph) -> list[str]:
    site = graph.content.site.record
    assert isinstance(site, model.Site)
    return [a.lower() for a in site.voice_allowed]


def _voice(graph: SiteGraph, use: DrugUse) -> Iterator[Problem]:
    allowed, audience = _allowed(graph), use.audience
    entry, data = use.drug, _data(use.drug)
    texts: list[tuple[tuple, Any]] = [(("audiences", audience.slug), data["audiences"][audience.slug])]
    texts += [((k,), data[k]) for k in ("what_it_is", "how_it_works", "side_effects") if k in data]
    if use.use.how_given is None:
        texts.append((("how_given",), data["how_given"]))
    for base, value in texts:
        for key_path, text in _strings(value, base):
            yield from _misvoiced(entry, key_path, text, audience, allowed)
    if use.narrative is not None:
        narrative = entry.narratives[audience.slug]
        yield from _matches(narrative, audience.wrong_voice, audience.wrong_voice_hint, allowed)
    for tier in TIERS:
        for item in use.tiers[tier]:
            yield from _effect_voice(graph.content.side_effects[item.slug], audience, allowed)


def _condition_voice(entry: Entry, allowed: list[str]) -> Iterator[Problem]:
    for audience in AUDIENCES:
        section = _data(entry).get(audience.slug)
        for key_path, text in _strings(section, (audience.slug,)):
            yield from _misvoiced(entry, key_path, text, audience, allowed)


def _effect_voice(entry: Entry, audience: Audience, allowed: list[str]) -> Iterator[Problem]:
    data = _data(entry)
    for name in VOICED_FIELDS:
        value = data.get(name)
        base: tuple = (name,)
        if isinstance(value, dict):  # worded per audience: only this audience's wording
            value, base = value.get(audience.slug), (name, audience.slug)
        for key_path, text in _strings(value, base):
            yield from _misvoiced(entry, key_path, text, audience, allowed)


def _misvoiced(entry: Entry, key_path: tuple, text: str, audience: Audience, allowed: list[str]) -> Iterator[Problem]:
    match = audience.wrong_voice.search(_without(text, allowed))
    if match:
        where = f"'{' '.join(match.group(0).split())}' {audience.wrong_voice_hint}"
        yield entry.doc.problem(key_path, f"{where}, or word this field per audience {{adult: ..., child: ...}}")


def _without(text: str, allowed: list[str]) -> str:
    """The text with every allowed phrase blanked out (same length, so positions still hold)."""
    lowered = text.lower()
    for phrase in allowed:
        pattern = r"\s+".join(map(re.escape, phrase.split()))
        lowered = re.sub(pattern, lambda m: re.sub(r"\S", " ", m[0]), lowered)
    return lowered


# ---------- 4. sources about the other audience only ----------


def _other_audience_sources(graph: SiteGraph, use: DrugUse) -> Iterator[Problem]:
    sources, audience = graph.content.sources, use.audience
    about = [getattr(sources[s].record, "about", None) for s in use.record.sources if s in sources]
    if None in about or any(a in ("adults and children", audience.people) for a in about):
        return  # some source is about this audience, or does not say whom it is about
    other = next(a.people for a in AUDIENCES if a != audience)
    entries = [e for tier in TIERS for e in use.tiers[tier]]
    if entries and all(e.reported_in == other for e in entries):
        return  # says so: every side effect is labelled with where it was reported
    yield use.drug.doc.problem(
        ("audiences", audience.slug),
        f"the page for {audience.people} cites only sources about {other}; cite a source about "
        f"{audience.people}, or mark its side effects reported_in: {other}",
    )


# ---------- walking records ----------


def _data(entry: Entry) -> dict[str, Any]:
    """The record's raw YAML mapping (for sources.yaml and glossary.yaml: its own item)."""
    data = entry.doc.data
    for key in _base(entry):
        data = data[key]
    return data if isinstance(data, dict) else {}


def _base(entry: Entry) -> tuple:
    if isinstance(entry.record, model.Source):
        return (entry.slug,)
    if isinstance(entry.record, model.GlossaryTerm):
        return (int(entry.slug),)
    return ()


def _strings(value: Any, key_path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield key_path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, key_path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, key_path + (i,))


def _matches(
    text: TextFile, pattern: re.Pattern[str], message: str, allowed: list[str] | None = None
) -> Iterator[Problem]:
    body = _without(text.text, allowed or [])
    for m in pattern.finditer(body):
        line = body.count("\n", 0, m.start()) + 1
        column = m.start() - (body.rfind("\n", 0, m.start()) + 1) + 1
        yield problem_at(text.path, line, column, f"'{' '.join(m.group(0).split())}' {message}")
