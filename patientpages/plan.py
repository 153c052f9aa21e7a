"""Decide every page the site will have: its address, its template, what it shows, and the files it came from.

The plan is a plain list, so two pages meant for one address are caught before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BuildFailed, problem_at
from .link import AUDIENCES, TIERS, SiteGraph, glossary_ids

AUDIENCE_PATH = {"adult": "adults", "child": "children"}
AUDIENCE_LABEL = {"adult": "Adults", "child": "Children"}
TIER_TITLE = {
    "urgent": "Call your care team right away",
    "serious": "Less common but serious",
    "common": "Common side effects",
}


@dataclass(frozen=True)
class Link:
    title: str
    url: str  # from the site root, e.g. "adults/blinatumomab/"
    note: str = ""


@dataclass
class Page:
    url: str
    template: str
    title: str
    crumbs: list[Link]
    inputs: list[Path]
    audience: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def output(self) -> str:
        """Path inside site/: a folder URL is written as its index.html."""
        return self.url + "index.html" if self.url.endswith("/") or not self.url else self.url


def drug_url(slug: str, audience: str) -> str:
    return f"{AUDIENCE_PATH[audience]}/{slug}/"


def handout_url(slug: str, audience: str) -> str:
    return f"handouts/{slug}-{audience}.pdf"


HOME = Link("Home", "")


def plan(graph: SiteGraph) -> list[Page]:
    c = graph.content
    pages = [_home(graph)]
    for audience in AUDIENCES:
        pages.append(_audience_home(graph, audience))
        pages.append(_handout_index(graph, audience))
        for slug in sorted(c.drugs):
            if graph.use(slug, audience):
                pages.append(_drug_page(graph, slug, audience))
    pages.append(
        _index(
            graph,
            "side-effects/",
            "Side effects",
            "side_effects_index.html",
            {
                "items": sorted(
                    (Link(e.record.name, f"side-effects/{s}/") for s, e in c.side_effects.items()),
                    key=lambda link: link.title.lower(),
                )
            },
        )
    )
    pages += [_side_effect_page(graph, slug) for slug in sorted(c.side_effects)]
    pages.append(
        _index(
            graph,
            "conditions/",
            "Types of leukemia",
            "conditions_index.html",
            {
                "items": [
                    Link(f"{e.record.name} ({e.record.short_name})", f"conditions/{s}/", e.record.what_it_is)
                    for s, e in sorted(c.conditions.items())
                ]
            },
        )
    )
    pages += [_condition_page(graph, slug) for slug in sorted(c.conditions)]
    pages.append(
        _index(graph, "treatments/", "Kinds of treatment", "treatments_index.html", {"tree": _class_tree(graph, None)})
    )
    pages += [_class_page(graph, slug) for slug in sorted(c.classes)]
    pages.append(_a_to_z(graph))
    pages.append(
        _index(
            graph,
            "glossary/",
            "Glossary",
            "glossary.html",
            {
                "terms": sorted(
                    zip(glossary_ids([g.record.term for g in c.glossary]), (g.record for g in c.glossary), strict=True),
                    key=lambda t: t[1].term.lower(),
                )
            },
            inputs=[g.doc.path for g in c.glossary[:1]],
        )
    )
    pages.append(Page("404.html", "not_found.html", "Page not found", [HOME], [c.site.doc.path]))
    refuse_collisions(pages)
    return pages


def refuse_collisions(pages: list[Page]) -> None:
    by_output: dict[str, Page] = {}
    problems = []
    for page in pages:
        first = by_output.setdefault(page.output, page)
        if first is not page:
            source = page.inputs[0] if page.inputs else Path("content")
            other = first.inputs[0] if first.inputs else "a built-in page"
            problems.append(
                problem_at(
                    source,
                    1,
                    1,
                    f"two pages would be written to site/{page.output}: "
                    f"this one and the one from {other}; rename one slug",
                )
            )
    if problems:
        raise BuildFailed(problems)


def _index(graph, url, title, template, data, inputs=None) -> Page:
    return Page(url, template, title, [HOME], inputs or [graph.content.site.doc.path], data=data)


def _home(graph: SiteGraph) -> Page:
    c = graph.content
    counts = {a: sum(1 for s in c.drugs if graph.use(s, a)) for a in AUDIENCES}
    return Page("", "home.html", c.site.record.title, [], [c.site.doc.path], data={"counts": counts})


def _drug_links(graph: SiteGraph, slugs, audience: str) -> list[Link]:
    out = []
    for slug in sorted(set(slugs)):
        drug = graph.content.drugs[slug].record
        brands = ", ".join(drug.brand_names)
        out.append(Link(drug.generic_name, drug_url(slug, audience), brands))
    return out


def _audience_home(graph: SiteGraph, audience: str) -> Page:
    c = graph.content
    by_condition = []
    for slug, entry in sorted(c.conditions.items()):
        drugs = graph.condition_drugs.get(slug, {}).get(audience, [])
        if drugs:
            section = getattr(entry.record, audience)
            by_condition.append(
                {
                    "condition": entry.record,
                    "url": f"conditions/{slug}/",
                    "summary": section.summary if section else entry.record.what_it_is,
                    "drugs": _drug_links(graph, drugs, audience),
                }
            )
    title = "Treatments for adults" if audience == "adult" else "Treatments for children"
    return Page(
        f"{AUDIENCE_PATH[audience]}/",
        "audience_home.html",
        title,
        [HOME],
        [c.site.doc.path],
        audience,
        {"by_condition": by_condition, "handouts": f"handouts/{AUDIENCE_PATH[audience]}/"},
    )


def _handout_index(graph: SiteGraph, audience: str) -> Page:
    items = [
        Link(d.title, handout_url(d.url.split("/")[1], audience), d.note)
        for d in _drug_links(graph, [s for s in graph.content.drugs if graph.use(s, audience)], audience)
    ]
    title = f"Printable handouts for {'adults' if audience == 'adult' else 'parents and caregivers'}"
    crumbs = [HOME, Link(AUDIENCE_LABEL[audience], f"{AUDIENCE_PATH[audience]}/")]
    return Page(
        f"handouts/{AUDIENCE_PATH[audience]}/",
        "handouts_index.html",
        title,
        crumbs,
        [graph.content.site.doc.path],
        audience,
        {"items": items},
    )


def _drug_page(graph: SiteGraph, slug: str, audience: str) -> Page:
    c = graph.content
    use = graph.use(slug, audience)
    drug = use.record
    tiers = []
    for tier in TIERS:
        items = []
        for ref in use.tiers[tier]:
            effect = c.side_effects[ref.slug].record
            items.append(
                {
                    "name": effect.name,
                    "url": f"side-effects/{ref.slug}/",
                    "note": ref.note,
                    "signs": effect.call_right_away,
                    "slug": ref.slug,
                }
            )
        tiers.append({"tier": tier, "title": TIER_TITLE[tier], "effects": items})
    # The boxed signs come from the urgent tier first, then from serious effects whose own record says
    # which of their signs mean "call right away".
    urgent_signs = _unique(sign for t in tiers if t["tier"] != "common" for e in t["effects"] for sign in e["signs"])
    urgent_groups, shown = [], set()
    for effect in (e for t in tiers if t["tier"] != "common" for e in t["effects"]):
        signs = [s for s in effect["signs"] if s.lower() not in shown]
        shown.update(s.lower() for s in signs)
        if signs:
            urgent_groups.append({"name": _mid_sentence(effect["name"]), "url": effect["url"], "signs": signs})
    other = [a for a in graph.audiences_of(slug) if a != audience]
    related = _related(graph, slug, audience)
    cls = c.classes[drug.treatment_class]
    conditions = [
        Link(f"{c.conditions[s].record.name} ({c.conditions[s].record.short_name})", f"conditions/{s}/")
        for s in use.use.conditions
    ]
    inputs = [use.drug.doc.path] + [t.path for a, t in use.drug.narratives.items() if a == audience]
    crumbs = [HOME, Link(AUDIENCE_LABEL[audience], f"{AUDIENCE_PATH[audience]}/")]
    return Page(
        drug_url(slug, audience),
        "drug.html",
        drug.generic_name,
        crumbs,
        inputs,
        audience,
        {
            "drug": drug,
            "slug": slug,
            "use": use.use,
            "how_given": use.how_given,
            "narrative": use.narrative,
            "tiers": tiers,
            "urgent_signs": urgent_signs,
            "urgent_groups": urgent_groups,
            "treatment_class": Link(cls.record.name, f"treatments/{cls.slug}/"),
            "conditions": conditions,
            "other_audience": Link(AUDIENCE_LABEL[other[0]], drug_url(slug, other[0])) if other else None,
            "related": related,
            "handout": handout_url(slug, audience),
            "sources": [c.sources[s].record for s in drug.sources],
            "study_sources": {s.source: c.sources[s.source].record for s in use.use.studies},
            "review_due": graph.review_due[slug],
        },
    )


def _related(graph: SiteGraph, slug: str, audience: str) -> list[Link]:
    """Drugs of the same class or for the same condition, for the same audience."""
    drug = graph.content.drugs[slug].record
    same_class = graph.class_drugs.get(drug.treatment_class, {}).get(audience, [])
    use = graph.use(slug, audience).use
    same_condition = [d for cond in use.conditions for d in graph.condition_drugs.get(cond, {}).get(audience, [])]
    return _drug_links(graph, [d for d in [*same_class, *same_condition] if d != slug], audience)


def _side_effect_page(graph: SiteGraph, slug: str) -> Page:
    entry = graph.content.side_effects[slug]
    users = graph.effect_drugs.get(slug, {})
    by_audience = {a: _drug_links(graph, users.get(a, []), a) for a in AUDIENCES}
    crumbs = [HOME, Link("Side effects", "side-effects/")]
    return Page(
        f"side-effects/{slug}/",
        "side_effect.html",
        entry.record.name,
        crumbs,
        [entry.doc.path],
        data={
            "effect": entry.record,
            "by_audience": by_audience,
            "sources": [graph.content.sources[s].record for s in entry.record.sources],
        },
    )


def _condition_page(graph: SiteGraph, slug: str) -> Page:
    entry = graph.content.conditions[slug]
    users = graph.condition_drugs.get(slug, {})
    sections = []
    for audience in AUDIENCES:
        section = getattr(entry.record, audience)
        drugs = _drug_links(graph, users.get(audience, []), audience)
        if section or drugs:
            sections.append({"audience": audience, "summary": section.summary if section else None, "drugs": drugs})
    crumbs = [HOME, Link("Types of leukemia", "conditions/")]
    narrative = entry.narratives.get("")
    return Page(
        f"conditions/{slug}/",
        "condition.html",
        f"{entry.record.name} ({entry.record.short_name})",
        crumbs,
        [entry.doc.path] + ([narrative.path] if narrative else []),
        data={
            "condition": entry.record,
            "sections": sections,
            "narrative": narrative.text if narrative else None,
            "sources": [graph.content.sources[s].record for s in entry.record.sources],
        },
    )


def _class_tree(graph: SiteGraph, parent: str | None) -> list[dict]:
    return [
        {"link": Link(e.record.name, f"treatments/{s}/", e.record.what_it_is), "children": _class_tree(graph, s)}
        for s, e in sorted(graph.content.classes.items(), key=lambda kv: kv[1].record.name.lower())
        if e.record.part_of == parent
    ]


def _class_page(graph: SiteGraph, slug: str) -> Page:
    entry = graph.content.classes[slug]
    users = graph.class_drugs.get(slug, {})
    crumbs = [HOME, Link("Kinds of treatment", "treatments/")]
    crumbs += [
        Link(graph.content.classes[p].record.name, f"treatments/{p}/") for p in reversed(graph.class_chain(slug)[1:])
    ]
    narrative = entry.narratives.get("")
    return Page(
        f"treatments/{slug}/",
        "treatment.html",
        entry.record.name,
        crumbs,
        [entry.doc.path] + ([narrative.path] if narrative else []),
        data={
            "treatment": entry.record,
            "narrower": _class_tree(graph, slug),
            "by_audience": {a: _drug_links(graph, users.get(a, []), a) for a in AUDIENCES},
            "narrative": narrative.text if narrative else None,
            "sources": [graph.content.sources[s].record for s in entry.record.sources],
        },
    )


def _a_to_z(graph: SiteGraph) -> Page:
    """Every generic, brand and short name, each leading to the drug's pages."""
    rows = []
    for slug, entry in graph.content.drugs.items():
        drug = entry.record
        pages = [Link(AUDIENCE_LABEL[a], drug_url(slug, a)) for a in graph.audiences_of(slug)]
        rows.append({"name": drug.generic_name, "kind": "generic", "see": None, "pages": pages})
        for name in [*drug.brand_names, *drug.also_called]:
            rows.append(
                {
                    "name": name,
                    "kind": "brand" if name in drug.brand_names else "short name",
                    "see": drug.generic_name,
                    "pages": pages,
                }
            )
    rows.sort(key=lambda r: r["name"].lower())
    letters: dict[str, list] = {}
    for row in rows:
        first = row["name"][0].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(row)
    return _index(graph, "drugs/", "Drugs A to Z", "drugs_az.html", {"letters": letters})


def _mid_sentence(name: str) -> str:
    """'Cytokine release syndrome' reads as 'signs of cytokine release syndrome'; 'CRS' stays as it is."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _unique(items) -> list:
    seen: dict = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())
