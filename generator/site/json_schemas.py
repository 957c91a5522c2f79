"""The JSON Schema (draft 2020-12) of each open data file, made from the declarations in `export.py`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..content import kinds
from ..content.kinds import ListOf, Record, Schema
from .export import REVIEWS_JSON, TABLES, Integer
from .model import Chrome


def _value(kind: kinds.Kind) -> dict[str, Any]:
    """What a JSON value of this kind looks like."""
    if isinstance(kind, kinds.Choice):
        return {"type": "string", "enum": list(kind.options)}
    if isinstance(kind, kinds.Bool):
        return {"type": "boolean"}
    if isinstance(kind, Integer):
        return {"type": "integer", "minimum": 0}
    if isinstance(kind, ListOf):
        return {"type": "array", "items": _value(kind.item)}
    if isinstance(kind, Record):
        return object_schema(kind.schema)
    return {"type": "string", **_text_pattern(kind)}


def _text_pattern(kind: kinds.Kind) -> dict[str, str]:
    if isinstance(kind, kinds.Date):
        return {"format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if isinstance(kind, kinds.DateOrMonth | kinds.MonthOfDeath):
        return {"pattern": r"^\d{4}(-\d{2}){0,2}$"}
    if isinstance(kind, kinds.Pattern):
        return {"pattern": kind.pattern.pattern.replace(r"\Z", "$")}
    return {}


def object_schema(spec: Schema) -> dict[str, Any]:
    """A JSON object with every field present; an optional field may be null."""
    properties = {}
    for f in spec.fields:
        value = _value(f.kind)
        properties[f.name] = {"description": f.doc, **(value if f.required else {"anyOf": [value, {"type": "null"}]})}
    return {"type": "object", "title": spec.name, "description": spec.doc, "properties": properties,
            "required": [f.name for f in spec.fields], "additionalProperties": False}


def row_schema(spec: Schema) -> dict[str, Any]:
    """A CSV row read as text, column by column (an empty cell is an absent value)."""
    properties = {}
    for f in spec.fields:
        if isinstance(f.kind, kinds.Choice):
            cell: dict[str, Any] = {"enum": list(f.kind.options)}
        elif isinstance(f.kind, kinds.Bool):
            cell = {"enum": ["true", "false"]}
        elif isinstance(f.kind, Integer):
            cell = {"pattern": r"^\d+$"}
        else:
            cell = _text_pattern(f.kind)
        cell = {"type": "string", **cell}
        properties[f.name] = {"description": f.doc, **(cell if f.required else {"anyOf": [cell, {"const": ""}]})}
    return {"type": "object", "title": spec.name, "description": spec.doc, "properties": properties,
            "required": [f.name for f in spec.fields], "additionalProperties": False}


SCHEMA_FILES = {"reviews.json": "schemas/reviews.json.schema.json",
                **{name: f"schemas/{name}.schema.json" for name in TABLES}}


def schema_file(name: str) -> Callable[..., bytes]:
    """The producer of the JSON Schema of the data file `name`."""
    def produce(site: Chrome) -> bytes:
        body = object_schema(REVIEWS_JSON) if name == "reviews.json" else row_schema(TABLES[name])
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$id": site.absolute("/" + SCHEMA_FILES[name]), **body}
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    produce.__name__ = produce.__qualname__ = "schema_" + name.replace(".", "_").replace("-", "_")
    return produce
