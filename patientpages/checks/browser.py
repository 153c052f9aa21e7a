"""Headless Chromium looking at the built site through a local HTTP server, as a reader's browser would.

Pages are served over http://127.0.0.1 (not file://) so that URLs, the CSP's 'self' and fetches behave as
on the real host. Chromium cannot resolve any other host name, so nothing leaves the machine, and every
request for another host is reported: the site must not need it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import tools

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PHONE_WIDTH, DESKTOP_WIDTH = 375, 1280
# A reader who sets their phone's text size to 200% (WCAG 1.4.4) and dark mode: a 390px phone, root font doubled.
LARGE_TEXT_WIDTH, LARGE_TEXT_SCALE = 390, 2
DEFAULT_FONT_PX = 16


@dataclass(frozen=True)
class View:
    """How one reader sees the site: the screen's width, their text size and their colour scheme."""

    width: int
    text_scale: float = 1
    dark: bool = False

    @property
    def phone(self) -> bool:
        return self.width < DESKTOP_WIDTH

    @property
    def label(self) -> str:
        """As problems name it: "375px", "390px at 200% text in dark mode"."""
        scale = f" at {self.text_scale:.0%} text" if self.text_scale != 1 else ""
        return f"{self.width}px{scale}" + (" in dark mode" if self.dark else "")


PHONE, DESKTOP = View(PHONE_WIDTH), View(DESKTOP_WIDTH)
LARGE_TEXT_DARK = View(LARGE_TEXT_WIDTH, LARGE_TEXT_SCALE, dark=True)


@contextmanager
def launched_browser() -> Iterator[Browser]:
    """One Chromium for a whole run; raises ToolMissing when Playwright or Chromium is not installed."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise tools.ToolMissing(f"Python package playwright is not installed; {tools.INSTALL_HINT}") from None
    executable = tools.chromium()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            raise tools.ToolMissing(
                f"Chromium at {executable} would not start: {error.message.splitlines()[0]}"
            ) from error
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would bury the check's own output


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the browser hanging up mid-response (e.g. on navigating away) is not the site's fault


@contextmanager
def served(site_dir: Path) -> Iterator[str]:
    """Serves site_dir on a free port of 127.0.0.1 from a background thread; yields the origin."""
    server = _QuietServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class SiteTab:
    """One browser tab in one view (width, text size, colour scheme); records what went wrong while each page
    loaded."""

    def __init__(self, browser: Browser, origin: str, axe_js: Path | None, view: View):
        # A phone is emulated (is_mobile) so a page without <meta name=viewport> really is laid out at 980px.
        self.context = browser.new_context(
            viewport={
                "width": view.width,
                "height": (844 if view.width >= LARGE_TEXT_WIDTH else 740) if view.phone else 800,
            },
            is_mobile=view.phone,
            has_touch=view.phone,
            device_scale_factor=2 if view.phone else 1,
            color_scheme="dark" if view.dark else "light",
        )
        self.view = view
        if axe_js:
            # An init script is exempt from the page's CSP and is cheaper than a <script> tag per page.
            self.context.add_init_script(path=axe_js)
        self.origin = origin
        self.observed: list[str] = []
        self.page: Page = self.context.new_page()
        if view.text_scale != 1:
            # The browser's own text-size setting (what a phone's font scale does): rem and em grow, px do not.
            session = self.context.new_cdp_session(self.page)
            session.send("Page.enable")
            session.send("Page.setFontSizes", {"fontSizes": {"standard": round(DEFAULT_FONT_PX * view.text_scale)}})
        self.page.on("request", self._request)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.observed.append(f"script error: {error.message}"))
        self.page.on("response", self._response)

    def _request(self, request: Request) -> None:
        if not request.url.startswith(self.origin + "/") and not request.url.startswith(("data:", "blob:")):
            self.observed.append(f"the browser tried to load {request.url} from another host")

    def _console(self, message: Any) -> None:
        # "Failed to load resource" repeats what _request and _response already report, with less detail.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            # Chromium's CSP messages go on to explain hashes and nonces; the first sentence is the news.
            text = re.split(r"(?<=\.) (?:Either the|Note that)", message.text, maxsplit=1)[0]
            self.observed.append(f"browser console error: {text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and response.url.startswith(self.origin):
            self.observed.append(f"{response.url.removeprefix(self.origin)} answered HTTP {response.status}")

    def open(self, url_path: str) -> list[str]:
        """Loads a page; returns the problems seen while loading it."""
        self.observed = []
        self.page.goto(self.origin + quote(url_path), wait_until="load")
        return self.observed

    def close(self) -> None:
        self.context.close()
