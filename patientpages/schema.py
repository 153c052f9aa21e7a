"""Write the JSON Schema of every record type, generated from the one model that validates them.

Reference fields (a drug's class, its side effects, conditions and sources, a class's part_of) list the slugs
that exist in the content folder as `examples`, which YAML plugins offer as completions. They are examples, not
an `enum`: an editor adding a side effect and the drug that names it should not see the new slug marked wrong
until the schema is regenerated; `build.py check` reports a misspelt slug with a suggestion either way.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from . import kinds, model

# One schema per file shape: the site settings, then one per registered kind of record.
FILES: dict[str, type[model.Record]] = {"site": model.Site} | {k.name: k.model for k in kinds.KINDS}
# A reference names a record by its kind's folder (see model.REFERS_TO), or a source.
RECORD_FOLDERS = tuple(k.folder for k in kinds.KINDS)


def schemas(content: Path | None = None) -> dict[str, dict]:
    """Every schema; with `content`, reference fields list the slugs found there."""
    # Deep copies: pydantic may hand back the model's own hand-written schema pieces, which must stay marked.
    out: dict[str, dict] = {name: copy.deepcopy(kind.model_json_schema(by_alias=True)) for name, kind in FILES.items()}
    out["sources"] = {
        "type": "object",
        "additionalProperties": copy.deepcopy(model.Source.model_json_schema()),
        "propertyNames": {"pattern": model.SLUG_PATTERN},
    }
    out["glossary"] = {"type": "array", "items": copy.deepcopy(model.GlossaryTerm.model_json_schema())}
    slugs = existing_slugs(content) if content else {}
    for name, schema in out.items():
        _offer_slugs(schema, slugs)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema.setdefault("title", name)
    return out


def existing_slugs(content: Path) -> dict[str, list[str]]:
    """kind -> slugs, read from file names and sources.yaml's keys. Broken files give no slugs here: completion
    is a help, and `build.py check` reports what is wrong with them."""
    found = {
        kind: sorted(p.stem for p in (content / kind).glob("*.yaml") if _is_slug(p.stem)) for kind in RECORD_FOLDERS
    }
    try:
        sources = yaml.safe_load((content / "sources.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        sources = None
    found["sources"] = (
        sorted(k for k in sources if isinstance(k, str) and _is_slug(k)) if isinstance(sources, dict) else []
    )
    return found


def _is_slug(text: str) -> bool:
    return re.fullmatch(model.SLUG_PATTERN, text) is not None


def _offer_slugs(node: Any, slugs: dict[str, list[str]]) -> None:
    """Replace each reference mark with the slugs of its kind (the mark itself is not for editors)."""
    if isinstance(node, dict):
        kind = node.pop(model.REFERS_TO, None)
        if kind and slugs.get(kind):
            node["examples"] = slugs[kind]
        for value in node.values():
            _offer_slugs(value, slugs)
    elif isinstance(node, list):
        for item in node:
            _offer_slugs(item, slugs)


def write_schemas(folder: Path, content: Path | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas(content).items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
