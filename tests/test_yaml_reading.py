"""Each YAML file is read in one pass by libyaml's C parser where PyYAML has it; the result, every position
and every refusal must be exactly what PyYAML's own pure-Python reader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE, PROJECT

from patientpages import load
from patientpages.file_access import Access

FILES = sorted((PROJECT / "content").rglob("*.yaml")) + sorted(FIXTURE.rglob("*.yaml"))
ODD = {
    "anchor and alias": "a: &x [1]\nb:\n  - c: *x\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "syntax error": "a: [1, 2\nb: 3\n",
    "comments only": "# nothing here\n",
    "block and flow": "- 1\n- {a: b, c: [d, 'e']}\n- |\n  lit\n  eral\n- >-\n  folded\n  text\n",
    "dates, numbers, nulls and unicode": "\ufeffwhen: 2026-11-01\nbad: 2026-13-01\nn: 1.5\nz: ~\nname: Café ü\n",
    "duplicate keys and odd keys": "a: 1\na: 2\n[x]: 3\n",
    "tag": "x: !!python/object:os.system 1\n",
}


def read(path: Path, text: str, fast: bool, monkeypatch) -> tuple:
    monkeypatch.setattr(load, "_FastLoader", yaml.CSafeLoader if fast else yaml.SafeLoader)
    path.write_text(text, encoding="utf-8")
    problems: list = []
    doc = load.load_yaml(path, problems, Access.of(path.parent))
    return (doc and (doc.data, doc.positions, doc.key_positions)), problems


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")
@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in FILES] + list(ODD.values()))
def test_c_parser_reads_exactly_as_pure_python(text, tmp_path, monkeypatch):
    path = tmp_path / "record.yaml"
    assert read(path, text, True, monkeypatch) == read(path, text, False, monkeypatch)


def test_anchors_are_refused_where_they_stand(tmp_path):
    path = tmp_path / "record.yaml"
    path.write_text(ODD["anchor and alias"])
    problems: list = []
    assert load.load_yaml(path, problems, Access.of(path.parent)) is None
    assert [(p.line, p.column, p.message.split(" (")[0]) for p in problems] == [
        (1, 4, "YAML anchor"),
        (3, 8, "YAML alias"),
    ]
