"""Reusing handout PDFs: one is rendered again only when something that shapes it changed.

Reproducible bytes. WeasyPrint writes no dates unless the HTML has `dcterms.created`/`dcterms.modified`
meta tags and no file identifier unless asked; the template sets both dates to the record's reviewed date, so
the same content gives the same bytes (the fonts installed on the machine still shape the output).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import tempfile
from pathlib import Path

CACHE_FOLDER = ".handout-cache"


def cache_beside(out: Path) -> Path:
    """Where a build into `out` keeps its handout PDFs: beside it, so a build that replaces `out` keeps them."""
    return out.with_name(CACHE_FOLDER)


# The handout code itself shapes the PDF (layouts, options, wording rules): any change to it renders anew.
_CODE = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))).hexdigest()


@functools.cache
def _version(distribution: str) -> str:
    return importlib.metadata.version(distribution)


def cache_key(html: dict[tuple[str, str], str], css: str, size: str) -> str:
    """Everything that shapes the PDF: its HTML in every layout and with every page-2 extra (all the words,
    the QR code, the clinic details), the CSS, the paper size and edition, the PDF library versions and the
    handout code (layouts, options)."""
    h = hashlib.sha256()
    for part in (
        "handout-v1",
        _version("weasyprint"),
        _version("pydyf"),
        _CODE,
        size,
        css,
        *(html[variant] for variant in sorted(html)),
    ):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


class Cache:
    """PDFs by drug, audience, paper size and key: `<slug>.<audience>.<size>.<key>.pdf`."""

    def __init__(self, folder: Path, size: str):
        self.folder = folder
        self.size = size
        self.used: set[str] = set()

    def _name(self, slug: str, audience: str, key: str) -> str:
        return f"{slug}.{audience}.{self.size}.{key}.pdf"

    def get(self, slug: str, audience: str, key: str) -> bytes | None:
        name = self._name(slug, audience, key)
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        if not data.startswith(b"%PDF-"):
            return None
        self.used.add(name)
        return data

    def put(self, slug: str, audience: str, key: str, pdf: bytes) -> None:
        name = self._name(slug, audience, key)
        self.used.add(name)
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(pdf)
            os.replace(tmp, self.folder / name)  # whole or not at all, even with two builds at once
        except OSError:  # a cache that cannot be written only makes the next build slower
            if tmp:
                Path(tmp).unlink(missing_ok=True)

    def prune(self, *, keep_unused: bool = False) -> None:
        """Drop older PDFs of this paper size: superseded versions and drugs no longer in the content. After
        a rebuild that kept some handouts without looking them up, only superseded versions of the handouts
        looked up are dropped."""
        if not self.folder.is_dir():
            return
        if keep_unused:
            looked_up = {name.split(".", 2)[0] + "." + name.split(".", 2)[1] for name in self.used}
            for path in self.folder.glob(f"*.*.{self.size}.*.pdf"):
                if path.name not in self.used and ".".join(path.name.split(".")[:2]) in looked_up:
                    with contextlib.suppress(OSError):
                        path.unlink()
            return
        for path in self.folder.glob(f"*.*.{self.size}.*.pdf"):
            if path.name not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()
