"""Turn loaded documents into typed records, translating validation errors into file:line messages."""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .load import Document

R = TypeVar("R", bound=BaseModel)

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "date_type": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "model_attributes_type": "a mapping of fields",
}


def to_record(doc: Document, record_type: type[R], problems: list[Problem], key_path: tuple = ()) -> R | None:
    data = doc.data
    for part in key_path:
        data = data[part]
    try:
        return record_type.model_validate(data)
    except ValidationError as err:
        errors = _one_branch(err.errors(), data)
        # A misspelt field is also a missing one: say it once, as the misspelling with its fix.
        misspelt = {
            (tuple(e["loc"][:-1]), guess)
            for e in errors
            if e["type"] == "extra_forbidden"
            for guess in _guess(record_type, e["loc"])
        }
        problems.extend(
            _explain(doc, record_type, key_path, e)
            for e in errors
            if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), e["loc"][-1]) in misspelt)
        )
        return None


# Union members of per-audience fields (model.Voiced): pydantic reports a mistake once for each member.
_BY_AUDIENCE = ("TextByAudience", "ListByAudience")


def _one_branch(errors: list, data: Any) -> list:
    """For a field that takes a text or {adult, child}, keep only the errors of the shape the editor wrote, and
    drop pydantic's member name from the place, so one mistake gives one message in the editor's words."""
    out = []
    for error in errors:
        loc = list(error["loc"])
        for i, part in enumerate(loc):
            if isinstance(part, str) and (part in _BY_AUDIENCE or part.startswith(("constrained-str", "list["))):
                value = data
                for step in loc[:i]:
                    value = value[step] if isinstance(value, dict | list) else None
                if (part in _BY_AUDIENCE) != isinstance(value, dict):
                    break  # the member the editor did not mean
                out.append({**error, "loc": tuple(loc[:i] + loc[i + 1 :])})
                break
        else:
            out.append(error)
    return out


def _explain(doc: Document, record_type: type[BaseModel], base: tuple, error: dict) -> Problem:
    loc = tuple(error["loc"])
    where = base + loc
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        name = loc[-1]
        return doc.problem(where[:-1], f"missing required field '{name}'{_in(where[:-1])}", key=True)
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _field_names(record_type, loc[:-1])
        guess = _guess(record_type, loc)
        hint = f" (did you mean '{guess[0]}'?)" if guess else f" (expected one of: {', '.join(allowed)})"
        return doc.problem(where, f"unknown field '{name}'{_in(where[:-1])}{hint}", key=True)
    if kind == "string_pattern_mismatch":
        return doc.problem(
            where,
            f"'{value}' is not a valid slug: use lower-case letters, digits and hyphens, like 'inotuzumab-ozogamicin'",
        )
    if kind == "string_too_short":
        return doc.problem(where, f"'{_name(where)}' is empty; expected text")
    if kind == "too_short":
        return doc.problem(where, f"'{_name(where)}' needs at least {error['ctx']['min_length']} item")
    if kind in _TYPE_WORDS:
        return doc.problem(where, f"'{_name(where)}' should be {_TYPE_WORDS[kind]}, not {_describe(value)}")
    if kind == "value_error":  # a rule of the record's own: its message is already in the editor's words
        return doc.problem(where, f"'{_name(where)}': {error['ctx']['error']}")
    return doc.problem(where, f"'{_name(where)}': {error['msg']}")


def _guess(record_type: type[BaseModel], loc: tuple) -> list[str]:
    return difflib.get_close_matches(str(loc[-1]), _field_names(record_type, loc[:-1]), n=1)


def _name(where: tuple) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in where).replace(".[", "[") or "record"


def _in(where: tuple) -> str:
    return f" in '{_name(where)}'" if where else ""


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value}); put it in quotes if you meant text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"


def _field_names(record_type: type[BaseModel], loc: tuple) -> list[str]:
    """The fields allowed at a place inside a record, to suggest a fix for a misspelt one."""
    current: Any = record_type
    for part in loc:
        if isinstance(part, int):
            continue
        model = _model_in(current)
        if model is None:
            return []
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return []
        current = field.annotation
    model = _model_in(current)
    return sorted((f.alias or n) for n, f in model.model_fields.items()) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin is not None:  # list[...], X | None, ...: look inside
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None
