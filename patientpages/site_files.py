"""The files beside the pages that machines read: security headers, the sitemap, robots.txt and the Atom feed.

Addresses are absolute, from `base_url` in site.yaml; dates come from the records, never from the clock, so
the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from . import kinds, model
from .plan import Page
from .policy import HEADERS_FILE_TEXT
from .views import UpdatesView

PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")  # RFC 2606: never a real site


def is_placeholder(base_url: str) -> bool:
    host = base_url.split("://", 1)[-1].split("/", 1)[0].lower()
    return host in PLACEHOLDER_HOSTS or host.endswith(tuple("." + h for h in PLACEHOLDER_HOSTS) + (".example",))


# Every file this module writes, so the build's own link check knows them before they are made.
NAMES = (kinds.HEADERS_URL, kinds.SITEMAP_URL, kinds.ROBOTS_URL, kinds.FEED_URL)


def site_files(pages: list[Page], site: model.Site) -> dict[str, str]:
    return {
        kinds.HEADERS_URL: HEADERS_FILE_TEXT,
        kinds.SITEMAP_URL: sitemap(pages, site),
        kinds.ROBOTS_URL: robots(site),
        kinds.FEED_URL: feed(pages, site),
    }


def sitemap(pages: list[Page], site: model.Site) -> str:
    """Every published page, with its record's last-reviewed date where it has one."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in sorted(pages, key=lambda p: p.url):
        if page.url == kinds.NOT_FOUND_URL:
            continue
        lastmod = f"<lastmod>{page.review.reviewed.isoformat()}</lastmod>" if page.review else ""
        lines.append(f"  <url><loc>{escape(site.base_url + page.url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(site: model.Site) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {site.base_url}{kinds.SITEMAP_URL}\n"


def feed(pages: list[Page], site: model.Site) -> str:
    """Recent updates as Atom (RFC 4287), made with feedgen, for clinics to follow in a feed reader."""
    from feedgen.feed import FeedGenerator  # only a published build needs it

    updates = next((p.view for p in pages if isinstance(p.view, UpdatesView)), None)
    items = updates.items if updates else ()
    reviewed = [p.review.reviewed for p in pages if p.review]
    newest = max([i.date for i in items] + reviewed, default=dt.date(2000, 1, 1))
    fg = FeedGenerator()
    fg.id(site.base_url + kinds.FEED_URL)
    fg.title(f"{site.title}: recent updates")
    fg.subtitle("What changed on each page, newest first.")
    fg.link(href=site.base_url + kinds.UPDATES_URL, rel="alternate")
    fg.link(href=site.base_url + kinds.FEED_URL, rel="self")
    fg.language("en")
    fg.generator("patientpages")
    fg.updated(_midnight(newest))
    for n, item in enumerate(reversed(items)):  # feedgen puts each new entry first: oldest in, newest on top
        entry = fg.add_entry()
        first = item.pages[0]
        entry.id(f"{site.base_url}{first.url}#change-{item.date.isoformat()}-{n}")
        entry.title(f"{item.title}: {item.what}")
        entry.link(href=site.base_url + first.url)
        entry.summary(item.what)
        entry.updated(_midnight(item.date))
    return fg.atom_str(pretty=True).decode("utf-8")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
