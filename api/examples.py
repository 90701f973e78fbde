"""An example body for a command, written from its JSON schema: a field's own `example`
(marshmallow `metadata={"example": ...}`) where it has one, else a value its type, format,
choices and bounds allow. A field with a pattern needs its own example."""

from __future__ import annotations

from typing import Any

EXAMPLE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
FORMATS = {
    "uuid": EXAMPLE_ID,
    "date": "2026-06-30",
    "date-time": "2026-06-30T09:00:00+08:00",
    "email": "wang.li@example.com",
    "url": "https://example.com/",
}
WORD = "示例"


def body_example(schema: Any, components: dict[str, Any]) -> Any:
    return _value(schema, components, depth=0)


def _resolve(schema: Any, components: dict[str, Any]) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    while isinstance(schema, str):  # apispec's short form: the component's name
        schema = components[schema]
    if isinstance(schema, dict) and "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    return schema if isinstance(schema, dict) else {}


def _value(schema: Any, components: dict[str, Any], depth: int) -> Any:
    schema = _resolve(schema, components)
    if "example" in schema:
        return schema["example"]
    choices = [c for c in schema.get("enum", []) if c is not None]
    if choices:
        return choices[0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema:
        return _object(schema, components, depth)
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        return [_value(schema.get("items", {}), components, depth + 1)] * count
    if kind in ("integer", "number"):
        return _number(schema, kind)
    if kind == "boolean":
        return True
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    return (WORD * (1 + schema.get("minLength", 0) // len(WORD)))[: schema.get("maxLength")]


def _object(schema: dict[str, Any], components: dict[str, Any], depth: int) -> dict[str, Any]:
    if depth > 5:
        return {}
    props = schema.get("properties", {})
    return {name: _value(prop, components, depth + 1) for name, prop in props.items()}


def _number(schema: dict[str, Any], kind: str) -> int | float:
    low, high = schema.get("minimum"), schema.get("maximum")
    value = low if low is not None else (1 if high is None or high >= 1 else high)
    return int(value) if kind == "integer" else value
