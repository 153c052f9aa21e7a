"""The real site passes every trust gate: links, HTML validity, accessibility in Chromium, privacy, keyboard.

Browser and Java checks are reported as skipped, with the reason, where their tools are missing; CI installs them
(.ci/install-tools.sh), so there they run.
"""

from __future__ import annotations

import pytest

from patientpages.checks import run_trust_checks


@pytest.fixture(scope="module")
def real_site(real_site_with_handouts):
    out, result, _ = real_site_with_handouts
    return out, result.graph.content.site.record.base_url


def test_real_site_passes_every_trust_gate(real_site):
    out, base_url = real_site
    # One page of every kind (URL shape), at phone and desktop widths; `check --strict` visits every page.
    checked = run_trust_checks(out, progress=lambda _: None, base_url=base_url, sample_pages=True)
    assert [str(p) for p in checked.problems] == []
    if checked.skipped:
        pytest.skip("; ".join(checked.skipped))


def test_site_ships_its_security_headers(real_site):
    out, _ = real_site
    headers = (out / "_headers").read_text()
    assert "Content-Security-Policy: default-src 'self'" in headers
    assert "Referrer-Policy: no-referrer" in headers
