"""Many handouts as one PDF (a bundle a clinic prints at once), and the page count of a PDF."""

from __future__ import annotations

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


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
