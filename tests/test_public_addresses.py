"""The address printed after each link on paper (render.PublicAddress) is urljoin's, worked out by hand for
the plain relative links our templates write: it must be urljoin's answer for any page and any link."""

from __future__ import annotations

from html import unescape
from urllib.parse import urljoin

from hypothesis import example, given, settings
from hypothesis import strategies as st

from patientpages.render import PublicAddress

STEPS = st.sampled_from(["a", "adults", "x-1", "..", ".", "", "b.html", "%20", "a;b", "q?x", "f#y", "&amp;", "~u"])
PATHS = st.lists(STEPS, max_size=5).map("/".join)
BASES = st.sampled_from(["https://example.org", "https://example.org/leukemia", "http://h:8080/a", "https://h"])


@given(BASES, PATHS, PATHS)
@settings(max_examples=500, deadline=None)
@example("https://example.org", "adults/drug/", "../../side-effects/rash/")
@example("https://example.org", "adults/drug/", "../../../x/")
@example("https://example.org", "404.html", "adults/")
@example("https://example.org", "a//b/", "../c")
def test_each_link_gets_urljoins_address(base, page, href):
    page_address = f"{base}/{page}"
    assert PublicAddress(page_address).of(href) == urljoin(page_address, unescape(href))
