"""`serve`: build, serve site/ on 127.0.0.1, rebuild on every save and reload the open page.

A rebuild runs off the server's request thread, so pages keep coming from the last good site while it runs; a
rebuild that fails prints its problems and keeps serving the last good site. Only pages served by this server
may open the live-reload connection, and a missing page gets the site's own 404 page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import livereload
import livereload.handlers
import livereload.server
from tornado.ioloop import IOLoop

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _external_script_injector(port: int):
    """livereload injects an inline <script>, which our Content-Security-Policy rightly blocks. Swap in a
    tag that loads the same client from our own origin, which the policy allows."""
    tag = f'<script src="/livereload.js?port={port}"></script>'.encode()

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
    """Static files, with the site's own 404.html for a page that does not exist."""

    def write_error(self, status_code: int, **kwargs) -> None:
        page = Path(self.root, "404.html")
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(page.read_bytes())
            return
        super().write_error(status_code, **kwargs)


class _Rebuilder:
    """Runs rebuilds one at a time on a worker thread; saves during a rebuild cause one more rebuild after it."""

    def __init__(self, rebuild: Callable[[], bool]):
        self.rebuild = rebuild
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

    def _run(self, loop: IOLoop) -> None:
        while True:
            if self.rebuild():
                loop.add_callback(livereload.handlers.LiveReloadHandler.reload_waiters)
            with self.lock:
                if not self.again:
                    self.running = False
                    return
                self.again = False


def serve(rebuild: Callable[[], bool], root: str, watch: list[str], host: str, port: int) -> None:
    rebuild()
    livereload.server.LiveScriptInjector = _external_script_injector(port)
    livereload.handlers.LiveReloadHandler.check_origin = same_origin_only(host)
    server = livereload.Server()
    server.SFH = _SiteFiles
    rebuilder = _Rebuilder(rebuild)
    for folder in watch:
        # 'forever': livereload must not reload browsers itself; the rebuilder does once the new site is in.
        server.watch(folder, rebuilder.start, delay="forever")
    print(f"Serving {root} on http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(host=host, port=port, root=root, restart_delay=0)
