"""The JSON Schemas in schema/ are what an editor's YAML plugin sees: every shipped file must pass them, every
field must explain itself on hover, reference fields must offer the slugs that exist, and the committed files
must be what `build.py schema` writes now (a stale schema fails here, not in an editor's hands)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import PROJECT

CONTENT = PROJECT / "content"
SCHEMAS = PROJECT / "schema"
# Which schema each content file is written against (the README's table of the content folder).
FOLDER_SCHEMAS = {
    "drugs": "drug",
    "side-effects": "side-effect",
    "conditions": "condition",
    "classes": "class",
    "help": "help",
}
SINGLE_FILE_SCHEMAS = {"site.yaml": "site", "sources.yaml": "sources", "glossary.yaml": "glossary"}


def committed(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def as_editor_sees(value):
    """YAML as a YAML language server hands it to the schema: dates are strings there, not date objects."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def shipped_files() -> list[tuple[Path, str]]:
    files = [(CONTENT / name, schema) for name, schema in SINGLE_FILE_SCHEMAS.items()]
    for folder, schema in FOLDER_SCHEMAS.items():
        files += [(path, schema) for path in sorted((CONTENT / folder).glob("*.yaml"))]
    return files


def test_every_schema_is_for_a_kind_of_content_file():
    """A new kind of record gets its schema, and its folder a line above, so its files are validated too."""
    written = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    assert written == {*FOLDER_SCHEMAS.values(), *SINGLE_FILE_SCHEMAS.values()}


def test_every_shipped_content_file_validates_against_its_schema():
    problems = []
    for path, name in shipped_files():
        validator = jsonschema.Draft202012Validator(committed(name))
        data = as_editor_sees(yaml.safe_load(path.read_text(encoding="utf-8")))
        for error in validator.iter_errors(data):
            problems.append(f"{path.relative_to(PROJECT)}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    assert len(shipped_files()) > 40 and problems == []


def test_a_clinic_with_every_field_left_out_is_valid_and_a_misspelt_field_is_not():
    validator = jsonschema.Draft202012Validator(committed("site"))
    site = as_editor_sees(yaml.safe_load((CONTENT / "site.yaml").read_text(encoding="utf-8")))
    assert list(validator.iter_errors({**site, "clinic": None})) == []
    assert list(validator.iter_errors({**site, "clinic": {"phone": "555-0100"}})) == []
    assert list(validator.iter_errors({**site, "clinic": {"phnoe": "555-0100"}}))


def properties(schema: dict, where: str = "") -> Iterator[tuple[str, dict]]:
    """(path, property schema) for every property anywhere in a schema, $defs and anyOf branches included."""
    if isinstance(schema, dict):
        for name, prop in schema.get("properties", {}).items():
            yield f"{where}/{name}", prop
        for key, value in schema.items():
            if isinstance(value, dict | list):
                yield from properties(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from properties(item, f"{where}/{i}")


def test_every_property_explains_itself_on_hover():
    missing = [
        f"{path.stem.split('.')[0]}{where}"
        for path in sorted(SCHEMAS.glob("*.schema.json"))
        for where, prop in properties(json.loads(path.read_text(encoding="utf-8")))
        if not prop.get("description", "").strip()
    ]
    assert missing == []


def slugs_in(folder: str) -> list[str]:
    return sorted(p.stem for p in (CONTENT / folder).glob("*.yaml"))


def resolve(schema: dict, root: dict) -> dict:
    return root["$defs"][schema["$ref"].split("/")[-1]] if "$ref" in schema else schema


def offered(schema: dict) -> list[str]:
    """The slugs an editor is offered for a string field, or for each item of a list field."""
    if schema.get("type") == "array":
        schema = schema["items"]
    return sorted(schema.get("examples", []))


def test_reference_fields_offer_the_slugs_that_exist():
    sources = sorted(yaml.safe_load((CONTENT / "sources.yaml").read_text(encoding="utf-8")))
    effects, conditions, classes = slugs_in("side-effects"), slugs_in("conditions"), slugs_in("classes")
    assert len(effects) > 10 and len(conditions) >= 5 and len(classes) >= 10 and len(sources) >= 5

    drug = committed("drug")
    defs = drug["$defs"]
    assert offered(drug["properties"]["class"]) == classes
    assert offered(drug["properties"]["sources"]) == sources
    assert offered(defs["AudienceUse"]["properties"]["conditions"]) == conditions
    assert offered(defs["Study"]["properties"]["source"]) == sources
    tier_entry = defs["SideEffectTiers"]["properties"]["urgent"]["items"]
    bare_slug, with_note = tier_entry["anyOf"]
    assert offered(bare_slug) == effects and offered(with_note["properties"]["effect"]) == effects

    treatment_class = committed("class")
    assert offered(treatment_class["properties"]["part_of"]["anyOf"][0]) == classes
    for name in ("side-effect", "condition", "class"):
        assert offered(committed(name)["properties"]["sources"]) == sources, name


@pytest.fixture(scope="module")
def written_now(tmp_path_factory) -> Path:
    """What `build.py schema` writes today from the shipped content, in a scratch project folder."""
    root = tmp_path_factory.mktemp("schema-root")
    result = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "schema", "--root", str(root), "--content", str(CONTENT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return root / "schema"


def test_committed_schemas_are_what_build_py_schema_writes_now(written_now):
    now = {p.name: p.read_text(encoding="utf-8") for p in written_now.glob("*.schema.json")}
    shipped = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS.glob("*.schema.json")}
    assert sorted(now) == sorted(shipped)
    stale = [name for name in now if now[name] != shipped[name]]
    assert stale == [], f"stale: {stale}; run: python build.py schema"
