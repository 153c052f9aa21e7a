"""`serve`: build, serve site/ on 127.0.0.1, rebuild on every save and reload the open page.

A rebuild runs off the server's request thread, so pages keep coming from the last good site while it runs; a
rebuild that fails prints its problems and keeps serving the last good site, and the open page shows them in an
overlay (dev_overlay.js, which this server adds to each page it serves and which the built site never holds)
until a save fixes them. Only pages served by this server may open the live-reload connection, and a missing
page gets the site's own 404 page.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import livereload
import livereload.handlers
import livereload.server
import livereload.watcher
from tornado import web
from tornado.ioloop import IOLoop, PeriodicCallback

# rebuild(pages_ready, newer_save) -> problems: calls pages_ready() once the new pages are in site/, may stop
# early (with the pages in) when newer_save() says another save came in, and returns the problems, if any.
Rebuild = Callable[[Callable[[], None], Callable[[], bool]], list[str]]
POLL_SECONDS = 0.1  # how often the watched folders are checked for saves (livereload's own poll: 0.8 s)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
OVERLAY_SCRIPT = "/_dev/overlay.js"
PROBLEMS_URL = "/_dev/problems.json"
_HERE = Path(__file__).parent


class Problems:
    """The last rebuild's problems, as `path:line:col: message` lines; none after a good build."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.lock = threading.Lock()

    def set(self, lines: list[str]) -> None:
        with self.lock:
            self.lines = list(lines)

    def get(self) -> list[str]:
        with self.lock:
            return list(self.lines)


class _ProblemsHandler(web.RequestHandler):
    def initialize(self, problems: Problems) -> None:
        self.problems = problems

    def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"problems": self.problems.get()}))


class _OverlayFiles(web.RequestHandler):
    """The overlay's script and stylesheet, from this package (never from the site)."""

    TYPES = {"overlay.js": "text/javascript", "overlay.css": "text/css"}

    def get(self, name: str) -> None:
        if name not in self.TYPES:
            raise web.HTTPError(404)
        self.set_header("Content-Type", f"{self.TYPES[name]}; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish((_HERE / f"dev_{name}").read_bytes())


class _DevServer(livereload.Server):
    """livereload's server with the overlay's routes ahead of the site's files."""

    problems = Problems()

    def get_web_handlers(self, script):
        return [
            (PROBLEMS_URL, _ProblemsHandler, {"problems": self.problems}),
            (r"/_dev/(overlay\.js|overlay\.css)", _OverlayFiles),
            *super().get_web_handlers(script),
        ]


def _external_script_injector(port: int):
    """livereload injects an inline <script>, which our Content-Security-Policy rightly blocks. Swap in a
    tag that loads the same client from our own origin, which the policy allows."""
    tag = f'<script src="/livereload.js?port={port}"></script><script src="{OVERLAY_SCRIPT}"></script>'.encode()

    class Injector(livereload.server.LiveScriptInjector):
        def __init_subclass__(cls, **kwargs):
            super().__init_subclass__(**kwargs)
            cls.script = tag

    return Injector


def same_origin_only(host: str) -> Callable[[livereload.handlers.LiveReloadHandler, str], bool]:
    """livereload accepts a WebSocket from any origin, so any web page could watch or drive it. Accept only a
    page this server served: its origin names the address the browser asked for, and on a loopback server
    that address is a loopback one (which also stops DNS rebinding)."""

    def check_origin(handler: livereload.handlers.LiveReloadHandler, origin: str) -> bool:
        parsed = urlsplit(origin)
        asked = handler.request.headers.get("Host", "")
        if not parsed.netloc or parsed.netloc.lower() != asked.lower():
            return False
        return host not in LOOPBACK or (parsed.hostname or "") in LOOPBACK

    return check_origin


class _SiteFiles(livereload.handlers.StaticFileHandler):
    """Static files, each read once per request, with the site's own 404.html for a page that does not exist.

    A rebuild replaces files in site/ while they are served. Tornado takes the Content-Length from one look at a
    file and the bytes from a later one, so a page replaced in between (by a longer or shorter one) made it
    drop the connection without an answer: the reader saw an error instead of the last good page. Here the
    length, date, ETag and bytes all come from one read of one file (site files are small)."""

    snapshot = b""
    snapshot_mtime = 0.0

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        path = super().validate_absolute_path(root, absolute_path)
        if path is not None:
            try:
                with open(path, "rb") as file:
                    self.snapshot = file.read()
                    self.snapshot_mtime = os.fstat(file.fileno()).st_mtime
            except FileNotFoundError:  # removed by a rebuild since it was checked
                raise web.HTTPError(404) from None
        return path

    def get_content_size(self) -> int:
        return len(self.snapshot)

    def get_modified_time(self) -> datetime.datetime | None:
        return datetime.datetime.fromtimestamp(int(self.snapshot_mtime), datetime.UTC)

    def compute_etag(self) -> str | None:
        return f'"{hashlib.sha256(self.snapshot).hexdigest()}"'

    def get_content(self, abspath: str, start: int | None = None, end: int | None = None) -> bytes:
        """The bytes read above (Tornado's class method would open the path again)."""
        return self.snapshot[start:end]

    def write_error(self, status_code: int, **kwargs) -> None:
        page = Path(self.root, "404.html")
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(page.read_bytes())
            return
        super().write_error(status_code, **kwargs)


class _Rebuilder:
    """Runs rebuilds one at a time on a worker thread; saves during a rebuild cause one more rebuild after it."""

    def __init__(self, rebuild: Rebuild, problems: Problems):
        self.rebuild = rebuild
        self.problems = problems
        self.lock = threading.Lock()
        self.running = False
        self.again = False

    def start(self) -> None:
        loop = IOLoop.current()  # the server's loop: browsers are told to reload from there
        with self.lock:
            if self.running:
                self.again = True
                return
            self.running = True
        threading.Thread(target=self._run, args=(loop,), daemon=True).start()

    def _pages_ready(self, loop: IOLoop) -> None:
        self.problems.set([])
        loop.add_callback(livereload.handlers.LiveReloadHandler.reload_waiters)

    def _run(self, loop: IOLoop) -> None:
        while True:
            # Browsers reload once the new pages are in; a failed rebuild leaves the open page as it is, and
            # its overlay lists the problems.
            problems = self.rebuild(lambda: self._pages_ready(loop), lambda: self.again)
            self.problems.set(problems)
            with self.lock:
                if not self.again:
                    self.running = False
                    return
                self.again = False


class _QuickWatcher(livereload.watcher.Watcher):
    """livereload's watcher, polled every POLL_SECONDS rather than every 0.8 s: a save starts its rebuild
    sooner, and checking the modification times of a few hundred files costs about a millisecond."""

    def start(self, callback: Callable[[], None]) -> bool:
        PeriodicCallback(callback, POLL_SECONDS * 1000).start()
        return True


def _only_start_rebuilds(handler: type[livereload.handlers.LiveReloadHandler]) -> None:
    """livereload reloads browsers as soon as a watched file changes (its delay="forever" is not honoured by
    the watcher), which would show the old page, or the last good one after a failed rebuild. Here a change
    only starts a rebuild; the rebuilder reloads browsers once the new site is in, and only if it built."""
    handler.watcher.examine()


def serve(rebuild: Rebuild, root: str, watch: list[str], host: str, port: int) -> None:
    """Serve `root`, calling `rebuild` (see Rebuild) on every save."""
    problems = Problems()
    problems.set(rebuild(lambda: None, lambda: False))
    livereload.server.LiveScriptInjector = _external_script_injector(port)
    livereload.handlers.LiveReloadHandler.check_origin = same_origin_only(host)
    livereload.handlers.LiveReloadHandler.poll_tasks = classmethod(_only_start_rebuilds)
    server = _DevServer(watcher=_QuickWatcher())
    server.problems = problems
    server.SFH = _SiteFiles
    rebuilder = _Rebuilder(rebuild, problems)
    for folder in watch:
        server.watch(folder, rebuilder.start)
    print(f"Serving {root} on http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(host=host, port=port, root=root, restart_delay=0)
