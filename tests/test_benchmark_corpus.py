"""The benchmark's synthetic corpus must stay valid content, or the benchmark measures a failed build."""

from __future__ import annotations

import sys

from conftest import PROJECT, paths_for

from patientpages.pipeline import load_site

sys.path.insert(0, str(PROJECT / "benchmarks"))
from corpus import generate  # noqa: E402


def test_the_synthetic_corpus_passes_validation_and_is_the_same_for_the_same_size(tmp_path):
    content = generate(3, tmp_path / "content")
    graph, pages = load_site(paths_for(content, tmp_path / "site"))
    assert len(graph.content.drugs) == 3 and len(graph.content.side_effects) == 120
    assert sum(page.url.startswith(("adults/", "children/")) for page in pages) >= 6
    again = generate(3, tmp_path / "again")
    files = sorted(p.relative_to(content) for p in content.rglob("*") if p.is_file())
    assert [(content / f).read_bytes() for f in files] == [(again / f).read_bytes() for f in files]
