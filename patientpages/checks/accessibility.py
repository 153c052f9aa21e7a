"""Accessibility in a real browser: axe-core's WCAG 2.2 A/AA rules at phone and desktop widths and at 200% text
in dark mode, no sideways scrolling on a phone even at 200% text, the call-right-away box near the top, tap
targets of at least 24 x 24 px, and a working skip link for keyboard users."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup

from ..errors import Problem, problem_at
from . import tools
from .browser import DESKTOP, LARGE_TEXT_DARK, PHONE, PHONE_WIDTH, SiteTab, View, launched_browser, served
from .pages import display_path, html_pages, page_kind, parse_html, position, url_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Every page is checked in each view. axe again in the last checks contrast in dark mode; large text and dark
# mode share a view to save time.
VIEWS = (PHONE, DESKTOP, LARGE_TEXT_DARK)

# Describes an element as (tag, index among same-tag elements, how many there are) for it and each
# ancestor, so Python can find it in the source even where the browser's DOM differs (implied <tbody>...).
_LOCATE_JS = """
const locate = (el) => {
  const chain = [];
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const all = document.getElementsByTagName(e.localName);
    chain.push([e.localName, Array.prototype.indexOf.call(all, e), all.length]);
  }
  return chain;
};
"""

_AXE_JS = (
    "async (tags) => {"
    + _LOCATE_JS
    + """
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations'], elementRef: true});
  return result.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => ({
    chain: n.element ? locate(n.element) : [], target: String(n.target[0]),
    detail: (n.failureSummary || '').split('\\n')[1] || ''}))}));
}"""
)

_OVERFLOW_JS = (
    "(phoneWidth) => {"
    + _LOCATE_JS
    + """
  const limit = Math.min(window.innerWidth, phoneWidth);
  const result = {limit, scrollWidth: document.documentElement.scrollWidth, culprits: []};
  if (result.scrollWidth <= limit) return result;
  const clipped = (e) => {  // inside a box that scrolls or clips, so it does not widen the page
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  for (const e of document.body.querySelectorAll('*')) {
    const right = e.getBoundingClientRect().right;
    const parent = e.parentElement;
    if (right <= limit + 0.5 || clipped(e)) continue;
    if (parent !== document.body && parent.getBoundingClientRect().right > limit + 0.5) continue;  // outermost only
    result.culprits.push({tag: e.localName, right: Math.round(right), chain: locate(e)});
    if (result.culprits.length === 3) break;
  }
  return result;
}"""
)

# What a keyboard user has focused. `reachableFromMain`: some focusable element lies in or after <main>;
# without one, Tab after a skip link wraps to the top of the page, and that is not the skip link's fault.
_FOCUSED_JS = (
    "() => {"
    + _LOCATE_JS
    + """
  const el = document.activeElement;
  const main = document.querySelector('main');
  if (!el || el === document.body || el === document.documentElement) return null;
  const href = el.getAttribute('href') || '';
  let target = null;
  if (href.startsWith('#')) {
    try { target = document.getElementById(decodeURIComponent(href.slice(1))); } catch (e) {}
  }
  const inOrAfterMain = (e) => !!main && (main.contains(e)
    || !!(main.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING));
  const focusable = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex]';
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.localName, href, chain: locate(el),
    inMain: !!main && main.contains(el), inOrAfterMain: inOrAfterMain(el),
    reachableFromMain: [...document.querySelectorAll(focusable)].some(
      e => inOrAfterMain(e) && e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0),
    targetsMain: !!main && !!target && main.contains(target),
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
    onScreen: box.width >= 1 && box.height >= 1 && box.bottom > 0 && box.right > 0
              && box.left < window.innerWidth && box.top < window.innerHeight,
  };
}"""
)

# WCAG 2.2, 2.5.8: a target smaller than this needs a reason (a link inside a sentence is exempt).
MIN_TARGET_PX = 24
# The boxed "call right away" signs must start within this many screens, whatever the text size.
URGENT_BOX, URGENT_BOX_SCREENS = ".call-now", 1.5

_SMALL_TARGETS_JS = (
    "(minimum) => {"
    + _LOCATE_JS
    + """
  const found = [];
  for (const e of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || (box.width >= minimum && box.height >= minimum)) continue;
    // Inline exception: a link inside a sentence (its parent has words of its own, not only other links).
    const words = [...(e.parentElement?.childNodes || [])].filter(n => n.nodeType === 3)
      .map(n => n.textContent).join('').replace(/[^A-Za-z0-9]/g, '');
    if (getComputedStyle(e).display === 'inline' && words.length > 0) continue;
    found.push({tag: e.localName, text: e.textContent.trim().slice(0, 40), width: Math.round(box.width),
                height: Math.round(box.height), chain: locate(e)});
  }
  return found;
}"""
)

_LARGE_TEXT_JS = (
    "([selector, screens]) => {"
    + _LOCATE_JS
    + """
  const result = {scheme: getComputedStyle(document.documentElement).colorScheme, clipped: [], urgent: null};
  for (const e of document.querySelectorAll('main h1, main h2, main h3, main a, main dt, main dd, main li')) {
    const style = getComputedStyle(e);
    if (style.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1)
      result.clipped.push({tag: e.localName, text: e.textContent.trim().slice(0, 40), chain: locate(e)});
  }
  const box = document.querySelector(selector);
  if (box) {
    const top = box.getBoundingClientRect().top + window.scrollY;
    if (top > screens * window.innerHeight) result.urgent = {screens: top / window.innerHeight, chain: locate(box)};
  }
  return result;
}"""
)

Finding = tuple[str, list]  # (message, element chain from _LOCATE_JS; [] when no element applies)


def run_axe(page: Page) -> list[Finding]:
    """axe-core's WCAG 2.2 A/AA violations on the loaded page, one finding per offending element.

    The page must have axe loaded: SiteTab does that with an init script."""
    findings = []
    for violation in page.evaluate(_AXE_JS, WCAG_TAGS):
        for node in violation["nodes"]:
            detail = f" ({node['detail'].strip()})" if node["detail"].strip() else ""
            findings.append(
                (f"accessibility [{violation['id']}]: {violation['help']}{detail} at {node['target']}", node["chain"])
            )
    return findings


def check_overflow(page: Page, width: int = PHONE_WIDTH) -> list[Finding]:
    """No sideways scrolling on a phone `width` px wide: the page is no wider than the screen."""
    head = page.evaluate(
        "() => {"
        + _LOCATE_JS
        + """
      const viewport = document.querySelector('meta[name=viewport]');
      return /width\\s*=\\s*device-width/i.test(viewport?.content || '') ? null : locate(document.head);
    }"""
    )
    if head is not None:  # the page is laid out 980px wide and shrunk, so measuring overflow means nothing
        return [
            (
                'no <meta name="viewport" content="width=device-width, initial-scale=1">, '
                "so phones show the page shrunk to fit",
                head,
            )
        ]
    result = page.evaluate(_OVERFLOW_JS, width)
    if result["scrollWidth"] <= result["limit"]:
        return []
    message = f"page scrolls sideways on a {result['limit']}px phone: it is {result['scrollWidth']}px wide"
    return [(f"{message}; this <{c['tag']}> reaches {c['right']}px", c["chain"]) for c in result["culprits"]] or [
        (message, [])
    ]


def check_tap_targets(page: Page) -> list[Finding]:
    """Every link and control is at least 24 x 24 CSS px, apart from links inside a sentence."""
    return [
        (
            f"tap target <{t['tag']}> {t['text']!r} is {t['width']}x{t['height']}px, "
            f"smaller than {MIN_TARGET_PX}x{MIN_TARGET_PX}px (WCAG 2.5.8)",
            t["chain"],
        )
        for t in page.evaluate(_SMALL_TARGETS_JS, MIN_TARGET_PX)
    ]


def check_large_text(page: Page) -> list[Finding]:
    """At 200% text in dark mode: a colour scheme is declared, nothing is clipped, the urgent box is near the top."""
    result = page.evaluate(_LARGE_TEXT_JS, [URGENT_BOX, URGENT_BOX_SCREENS])
    findings: list[Finding] = []
    if "dark" not in result["scheme"]:
        findings.append(("no `color-scheme: light dark` declared, so dark mode shows a glaring white page", []))
    findings += [(f"<{c['tag']}> {c['text']!r} is cut off at 200% text", c["chain"]) for c in result["clipped"]]
    if result["urgent"]:
        findings.append(
            (
                f"the call-right-away box starts {result['urgent']['screens']:.1f} screens down at 200% "
                f"text; it should be within {URGENT_BOX_SCREENS}",
                result["urgent"]["chain"],
            )
        )
    return findings


def check_keyboard(page: Page) -> list[Finding]:
    """On a freshly loaded page: the first Tab reaches a visible skip link to <main>, and following it works."""
    page.keyboard.press("Tab")
    first = page.evaluate(_FOCUSED_JS)
    if first is None:
        return [("pressing Tab focuses nothing; the first focusable element should be a skip link to <main>", [])]
    if not first["targetsMain"]:
        return [
            (
                f"the first Tab focuses <{first['tag']} href={first['href']!r}>, not a skip link to <main>",
                first["chain"],
            )
        ]
    findings = []
    if not first["onScreen"]:
        findings.append(("the skip link stays hidden when focused; show it on :focus", first["chain"]))
    if not first["ring"]:
        findings.append(
            ("the focused skip link has no visible focus indicator (outline or box-shadow)", first["chain"])
        )
    page.keyboard.press("Enter")
    after = page.evaluate(_FOCUSED_JS)
    if first["reachableFromMain"] and (after is None or not after["inMain"]):
        page.keyboard.press("Tab")  # focus may stay on the link while the next Tab starts from <main>
        after = page.evaluate(_FOCUSED_JS)
        if after is None or not after["inOrAfterMain"]:
            what = f"<{after['tag']}> before <main>" if after else "nothing"
            findings.append((f"after following the skip link, Tab goes to {what}", first["chain"]))
    return findings


def _source_position(soup: BeautifulSoup, chain: list) -> tuple[int, int]:
    """Where the element (or its nearest ancestor that can be matched) starts in the HTML file."""
    for tag, index, count in chain:
        same = soup.find_all(tag.lower())
        if len(same) == count and 0 <= index < count:
            return position(same[index])
    return 1, 1


def pages_to_check(site_dir: Path, *, sample: bool) -> list[Path]:
    """Every page, or with sample=True the first page of each URL shape (e.g. adults/*/index.html)."""
    pages = html_pages(site_dir)
    if not sample:
        return pages
    first_of_kind: dict[str, Path] = {}
    for page in pages:
        first_of_kind.setdefault(page_kind(site_dir, page), page)
    return sorted(first_of_kind.values())


def accessibility_problems(
    site_dir: Path,
    *,
    browser: Browser | None = None,
    sample: bool = False,
    views: Sequence[View] = VIEWS,
    progress: Callable[[str], Any] = print,
) -> list[Problem]:
    """Raises ToolMissing when axe-core, Playwright or Chromium is missing. Pass `browser` to reuse one; `views`
    to check in some of the views only (the problems of all VIEWS are the problems of each, merged)."""
    axe_js = tools.axe_js()
    pages = pages_to_check(site_dir, sample=sample)
    # One problem per (place, message), listing the views (width, text size, colours) it was seen at.
    seen: dict[tuple[str, int, int, str], list[str]] = defaultdict(list)
    with ExitStack() as stack:
        browser = browser or stack.enter_context(launched_browser())
        origin = stack.enter_context(served(site_dir))
        tabs = [SiteTab(browser, origin, axe_js, view) for view in views]
        for tab in tabs:
            stack.callback(tab.close)
        for number, page_file in enumerate(pages, 1):
            if number % 25 == 0:
                progress(f"  accessibility: {number}/{len(pages)} pages")
            soup, shown = parse_html(page_file), display_path(page_file)
            for tab in tabs:
                view = tab.view
                findings: list[Finding] = [(m, []) for m in tab.open(url_path(site_dir, page_file))]
                if view.phone:
                    findings += check_overflow(tab.page, view.width)
                else:
                    findings += check_keyboard(tab.page)
                if view.text_scale != 1:
                    findings += check_large_text(tab.page)
                elif view.phone:
                    findings += check_tap_targets(tab.page)
                findings += run_axe(tab.page)
                for message, chain in findings:
                    views_seen = seen[(shown, *_source_position(soup, chain), message)]
                    if view.label not in views_seen:
                        views_seen.append(view.label)
    return [
        problem_at(shown, line, col, f"{message} (at {', '.join(views_seen)})")
        for (shown, line, col, message), views_seen in seen.items()
    ]
