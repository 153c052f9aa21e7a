"""Many handouts as one PDF (a bundle a clinic prints at once), and the page count of a PDF."""

from __future__ import annotations

import hashlib
import io

import pypdf


def bundle(pdfs: list[bytes]) -> bytes:
    """The PDFs one after another, each starting on a new sheet; the same inputs give the same bytes."""
    writer = pypdf.PdfWriter()
    for pdf in pdfs:
        writer.append(pypdf.PdfReader(io.BytesIO(pdf)))
    # A fixed identifier, so rebuilding gives the same bytes (pypdf would otherwise make a random one).
    writer._ID = None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_counted: dict[str, int] = {}  # sha256 of a PDF -> its pages: a loaded dev server counts each PDF once


def page_count(pdf: bytes) -> int:
    key = hashlib.sha256(pdf).hexdigest()
    if key not in _counted:
        _counted[key] = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return _counted[key]
