"""`serve`: build, serve site/ on 127.0.0.1, rebuild on every save and reload the open page.

A rebuild that fails prints its problems and keeps serving the last good site.
"""

from __future__ import annotations

from collections.abc import Callable

import livereload
import livereload.server


def _external_script_injector(port: int):
    """livereload injects an inline <script>, which our Content-Security-Policy rightly blocks. Swap in a
    tag that loads the same client from our own origin, which the policy allows."""
    tag = f'<script src="/livereload.js?port={port}"></script>'.encode()

    class Injector(livereload.server.LiveScriptInjector):
        def __init_subclass__(cls, **kwargs):
            super().__init_subclass__(**kwargs)
            cls.script = tag

    return Injector


def serve(rebuild: Callable[[], bool], root: str, watch: list[str], host: str, port: int) -> None:
    rebuild()
    livereload.server.LiveScriptInjector = _external_script_injector(port)
    server = livereload.Server()
    for folder in watch:
        server.watch(folder, rebuild, delay=0.3)
    print(f"Serving {root} on http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(host=host, port=port, root=root, restart_delay=0)
