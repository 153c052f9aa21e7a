"""Write the JSON Schema of every record type, generated from the one model that validates them."""

from __future__ import annotations

import json
from pathlib import Path

from . import kinds, model

# One schema per file shape: the site settings, then one per registered kind of record.
FILES: dict[str, type[model.Record]] = {"site": model.Site} | {k.name: k.model for k in kinds.KINDS}


def schemas() -> dict[str, dict]:
    out = {name: kind.model_json_schema(by_alias=True) for name, kind in FILES.items()}
    out["sources"] = {
        "type": "object",
        "additionalProperties": model.Source.model_json_schema(),
        "propertyNames": {"pattern": model.SLUG_PATTERN},
    }
    out["glossary"] = {"type": "array", "items": model.GlossaryTerm.model_json_schema()}
    for name, schema in out.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema.setdefault("title", name)
    return out


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
