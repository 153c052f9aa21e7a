"""Issue 13, the dev server: pages keep coming while a rebuild runs, a missing page gets the site's own 404 page,
and only the server's own pages may open the live-reload connection. One server for the module, always killed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import FIXTURE, PROJECT, fetch, free_port, serve_command, wait_for


class Server:
    def __init__(self, root: Path, port: int, process: subprocess.Popen):
        self.root, self.port, self.process = root, port, process
        self.base = f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve") / "project"
    shutil.copytree(FIXTURE, root / "content")
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "static", root / "static")
    port = free_port()
    command = serve_command(port, "--root", str(root), "--no-handouts")  # PDFs: tested in test_incremental.py
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root)
    try:
        running = Server(root, port, process)
        wait_for(lambda: process.poll() is not None or fetch(running.base), seconds=60)
        assert process.poll() is None, "the dev server stopped"
        yield running
    finally:
        process.kill()
        process.wait(timeout=10)


def handshake(port: int, origin: str) -> str:
    """The status line the server answers a WebSocket upgrade to /livereload with."""
    request = (
        f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        return s.recv(4096).decode("latin-1").split("\r\n")[0]


def test_live_reload_accepts_only_the_server_s_own_origin(server):
    assert handshake(server.port, "http://evil.example").split()[1] == "403"
    assert handshake(server.port, f"http://evil.example:{server.port}").split()[1] == "403"
    assert handshake(server.port, f"http://127.0.0.1:{server.port}").split()[1] == "101"


def test_a_missing_page_gets_the_site_s_own_404_page(server):
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(server.base + "adults/no-such-drug/")
    assert missing.value.code == 404
    body = missing.value.read().decode()
    assert "<h1>Page not found</h1>" in body
    assert "drugs A to Z" in body


def test_a_page_replaced_while_it_is_sent_arrives_whole(server):
    """A rebuild moves each changed page into site/ with os.replace, maybe while the server is sending it. Every
    answer is one whole version, the old or the new: never a connection dropped without an answer (which the
    server did when the size it sent came from one file and the bytes from the next)."""
    page = server.root / "site" / "adults" / "betanib" / "index.html"
    original = page.read_bytes()
    longer = original.replace(b"</main>", b"<p>" + b"longer " * 500 + b"</p></main>")
    stop = threading.Event()

    def rebuilds() -> None:
        staged = page.with_name(".staged.html")
        while not stop.is_set():
            for version in (longer, original):
                staged.write_bytes(version)
                os.replace(staged, page)

    writer = threading.Thread(target=rebuilds)
    writer.start()
    answers = 0
    try:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            text = fetch(server.base + "adults/betanib/")
            assert text.rstrip().endswith("</html>") and text.count("longer ") in (0, 500)
            answers += 1
    finally:
        stop.set()
        writer.join()
        page.write_bytes(original)
    assert answers > 20


def test_pages_are_served_from_the_last_good_site_while_a_rebuild_runs(server):
    glossary = server.root / "templates/glossary.html"
    original = glossary.read_text(encoding="utf-8")
    # A template that takes seconds to render and marks the pages it made.
    glossary.write_text(
        original.replace("<h1>", "{% for i in range(40000000) %}{% endfor %}<p>rebuilt-mark</p><h1>", 1),
        encoding="utf-8",
    )
    # Requests follow each other with no gap worth the name from the save until the new page is served, so one
    # of them is always in flight while the rebuild runs: each is timed.
    slowest, rebuilt = 0.0, False
    try:
        deadline = time.monotonic() + 60
        while not rebuilt:
            assert time.monotonic() < deadline, "the rebuild never finished"
            for page in ("adults/betanib/", "glossary/"):
                started = time.monotonic()
                text = fetch(server.base + page)
                slowest = max(slowest, time.monotonic() - started)
                rebuilt = rebuilt or "rebuilt-mark" in text
    finally:
        glossary.write_text(original, encoding="utf-8")
    assert slowest < 1.0, f"a request waited {slowest:.1f} s for the rebuild"
