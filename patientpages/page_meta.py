"""What a page says about itself to search engines and shared links: its description, and schema.org JSON-LD.

Every value comes from the page's own record and plan (its title, audience, names, review date), so the
machine-readable page never says more than the page a reader sees.
"""

from __future__ import annotations

from typing import Any

from . import model
from .audience import Audience
from .plan import Page
from .views import ConditionView, DrugView, SideEffectView, TreatmentView

SITE_DESCRIPTION = "Plain-language information about leukemia treatments: what each medicine is, how it is given, " \
    "and which side effects to watch for."  # fmt: skip


def description(page: Page, site: model.Site) -> str:
    return page.description or f"{site.title}: {SITE_DESCRIPTION}"


def audience_of(audience: Audience) -> dict[str, str]:
    """schema.org PeopleAudience: who the page is written for, in the page's own words."""
    return {"@type": "PeopleAudience", "audienceType": f"{audience.readers_of} with leukemia"}


def about(page: Page) -> dict[str, Any] | None:
    """The thing the page is about, typed as schema.org types it."""
    view = page.view
    if isinstance(view, DrugView):
        drug = view.drug
        out: dict[str, Any] = {"@type": "Drug", "name": drug.generic_name, "nonProprietaryName": drug.generic_name}
        if drug.brand_names:
            out["proprietaryName"] = list(drug.brand_names)
        if drug.also_called:
            out["alternateName"] = list(drug.also_called)
        return out
    if isinstance(view, SideEffectView):
        out = {"@type": "MedicalSignOrSymptom", "name": view.effect.name}
        if view.effect.also_called:
            out["alternateName"] = list(view.effect.also_called)
        return out
    if isinstance(view, ConditionView):
        return {"@type": "MedicalCondition", "name": view.condition.name, "alternateName": view.condition.short_name}
    if isinstance(view, TreatmentView):
        return {"@type": "MedicalTherapy", "name": view.treatment.name}
    return None  # articles and list pages are about the site itself


def json_ld(page: Page, site: model.Site) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "url": site.base_url + page.url,
        "description": description(page, site),
        "inLanguage": "en",
        "isPartOf": {"@type": "WebSite", "name": site.title, "url": site.base_url},
    }
    if page.review:
        data["lastReviewed"] = page.review.reviewed.isoformat()
    if page.audience:
        data["audience"] = audience_of(page.audience)
    thing = about(page)
    if thing:
        data["about"] = thing
    return data
