"""A drug page lists at most 8 related medicines, closest first, and links to the class and condition pages
that list all of them: drug pages stay small however many drugs the library holds."""

from __future__ import annotations

from bs4 import Tag

LIMIT = 8


def related_section(site, url: str) -> Tag | None:
    heading = site.soup(url).find(id="related-title")
    return heading.find_parent("section") if heading else None


def expected_related(content, slug: str, audience: str) -> list[str]:
    """From the records alone: the same class first, then a narrower kind of it (its class page lists those
    too), then the same condition, each by generic name; at most 8."""
    drug = content.drugs[slug].record
    conditions = set(getattr(drug.audiences, audience).conditions)

    def broader(cls: str) -> set[str]:
        parent = content.classes[cls].record.part_of
        return {cls} | (broader(parent) if parent else set())

    groups: list[list[str]] = [[], [], []]
    for other, entry in content.drugs.items():
        use = getattr(entry.record.audiences, audience)
        if other == slug or use is None:
            continue
        if entry.record.treatment_class == drug.treatment_class:
            groups[0].append(entry.record.generic_name)
        elif drug.treatment_class in broader(entry.record.treatment_class):
            groups[1].append(entry.record.generic_name)
        elif conditions & set(use.conditions):
            groups[2].append(entry.record.generic_name)
    return [name for group in groups for name in sorted(group, key=str.lower)][:LIMIT]


def test_drug_pages_list_the_closest_eight_related_medicines(real_content_site):
    result, site = real_content_site
    content = result.graph.content
    cut = 0
    for slug, entry in content.drugs.items():
        for audience, folder in (("adult", "adults"), ("child", "children")):
            if getattr(entry.record.audiences, audience) is None:
                continue
            section = related_section(site, f"{folder}/{slug}/")
            items = section.find("ul").find_all("li") if section else []
            shown = [li.find("a").get_text(strip=True) for li in items]  # the drug's own link leads each item
            assert shown == expected_related(content, slug, audience), (folder, slug)
            cut += len(shown) == LIMIT
    assert cut >= 5  # the real content has drugs with more than 8 related ones, so the limit is exercised


def test_related_medicines_link_to_the_pages_that_list_them_all(real_content_site):
    result, site = real_content_site
    rituximab = result.graph.content.drugs["rituximab"].record
    section = related_section(site, "adults/rituximab/")
    links = {a["href"] for a in section.find(class_="see-all").find_all("a")}
    assert links == {f"../../treatments/{rituximab.treatment_class}/"} | {
        f"../../conditions/{c}/" for c in rituximab.audiences.adult.conditions
    }
