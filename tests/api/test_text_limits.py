"""Text a read model cannot hold (NUL, lone surrogates) is refused at the door, by one
field type used for every text field, and stores nothing; the views keep working."""

from __future__ import annotations

import json
from typing import Any

import pytest
from marshmallow import Schema, class_registry, fields

from api.fields import Text
from tests.grid_helpers import small_district

URL = "/api/v1/service-issues"


@pytest.fixture
def ids(system: Any) -> dict:
    return small_district(system.app)


def issue(ids: dict, description: str = "天然气入户未开通") -> dict:
    return {
        "channel": "hotline",
        "category": "gas_connection",
        "compound_id": str(ids["compound1"]),
        "grid_id": str(ids["grid1"]),
        "description": description,
    }


def post_raw(client: Any, headers: dict, text: str) -> Any:
    """The body as sent on the wire: json.dumps writes a lone surrogate as its \\u escape."""
    return client.post(
        URL, data=text.encode(), headers={**headers, "Content-Type": "application/json"}
    )


@pytest.mark.parametrize(
    "bad", ["漏水\x00", "漏水\ud800", "\udc00漏水"], ids=["nul", "high", "low"]
)
def test_unstorable_description_is_refused_and_the_board_keeps_working(
    client: Any, auth: Any, system: Any, ids: dict, bad: str
) -> None:
    admin = auth("district_admin")
    head = system.app.recorder.max_notification_id()
    refused = post_raw(client, admin, json.dumps(issue(ids, bad)))
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert refused.content_type == "application/problem+json"
    assert "description" in refused.json["errors"]
    assert system.app.recorder.max_notification_id() == head

    made = client.post(URL, json=issue(ids), headers=admin)
    assert made.status_code == 201
    board = client.get(URL, query_string={"min_position": made.json["position"]}, headers=admin)
    assert board.status_code == 200, board.get_data(as_text=True)
    assert board.json["total"] == 1


def test_unstorable_text_in_a_list_is_refused(client: Any, auth: Any, system: Any) -> None:
    head = system.app.recorder.max_notification_id()
    response = client.get(
        "/api/v1/branch-life/report",
        query_string={
            "org_id": "9b0f7c43-4b1e-4f7a-9d55-3a8e3f1f0c11",
            "from": "2020-01-01",
            "to": "2020-12-31",
            "rule": "party_lesson:1:month\x00",
        },
        headers=auth("auditor"),
    )
    assert response.status_code == 422
    assert "rule" in response.json["errors"]
    assert system.app.recorder.max_notification_id() == head


def test_unstorable_query_text_is_refused(client: Any, auth: Any) -> None:
    response = client.get(
        "/api/v1/subsidies/journal", query_string={"account": "1001\x00"}, headers=auth("auditor")
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "account" in response.json["errors"]


def test_unstorable_path_text_is_not_found(client: Any, auth: Any) -> None:
    """(Open311 answers the same path in its own error shape: tests/api/test_open311_api.py.)"""
    path = "/api/v1/grid-loop/reporters/r%00/contact"
    response = client.delete(path, headers=auth("district_admin"))
    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"


def _api_schemas() -> list[type[Schema]]:
    import api  # noqa: F401  (registers every schema)

    classes = {c for entries in class_registry._registry.values() for c in entries}
    return sorted(
        (c for c in classes if c.__module__.startswith("api.")), key=lambda c: c.__qualname__
    )


def _leaves(field: fields.Field) -> list[fields.Field]:
    if isinstance(field, fields.List):
        return _leaves(field.inner)
    if isinstance(field, fields.Tuple):
        return [leaf for inner in field.tuple_fields for leaf in _leaves(inner)]
    if isinstance(field, fields.Dict):
        return [leaf for f in (field.key_field, field.value_field) if f for leaf in _leaves(f)]
    return [field]


def test_every_text_field_of_every_schema_is_the_shared_text_field() -> None:
    schemas = _api_schemas()
    assert len(schemas) > 50  # the walk sees the whole API
    plain = [
        f"{schema.__module__}.{schema.__qualname__}.{name}"
        for schema in schemas
        for name, field in schema._declared_fields.items()
        for leaf in _leaves(field)
        if isinstance(leaf, fields.String) and not isinstance(leaf, Text)
    ]
    assert plain == []


def argument_fields(app: Any) -> list[tuple[str, fields.Field]]:
    """(endpoint.field, field) for every field, containers and their items, of every
    argument schema (body, query, form) of every route."""
    found = []
    for endpoint, view in app.view_functions.items():
        view_class = getattr(view, "view_class", None)
        handlers = [
            getattr(view_class, m)
            for m in ("get", "post", "put", "patch", "delete")
            if view_class and hasattr(view_class, m)
        ] or [view]
        for handler in handlers:
            for param in getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", []):
                schema = param["schema"]
                schema = schema() if isinstance(schema, type) else schema
                found += [(f"{endpoint}.{name}", field) for name, field in _walk(schema)]
    return found


def test_no_argument_takes_untyped_values(system: Any) -> None:
    """Text must not slip past the Text field inside an untyped dict or raw value."""
    untyped = [
        name
        for name, field in argument_fields(system.wsgi())
        if type(field) in (fields.Raw, fields.Dict)
        and not (isinstance(field, fields.Dict) and field.value_field)
    ]
    assert untyped == []


def _walk(schema: Schema) -> list[tuple[str, fields.Field]]:
    out = []
    for name, field in schema.fields.items():
        for part in dict.fromkeys([field, *_leaves(field)]):
            out.append((name, part))
            if isinstance(part, fields.Nested):
                out += [(f"{name}.{n}", f) for n, f in _walk(part.schema)]
    return out


def test_text_without_its_own_length_is_capped() -> None:
    from marshmallow import ValidationError, validate

    from api.fields import MAX_TEXT

    assert Text().deserialize("长" * MAX_TEXT) == "长" * MAX_TEXT
    with pytest.raises(ValidationError):
        Text().deserialize("长" * (MAX_TEXT + 1))
    with pytest.raises(ValidationError):
        Text(validate=validate.Length(max=3)).deserialize("长" * 4)
