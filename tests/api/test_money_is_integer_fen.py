"""Every amount of money a command takes (each `Fen` field of every request body in
/openapi.json) is a JSON integer of fen: text, fractions, booleans, zero, negatives and more
than MAX_FEN are refused with 422 naming the field, nothing stored; the documented example is
an integer the API accepts."""

from __future__ import annotations

import inspect
import pkgutil
import re
import uuid
from importlib import import_module
from typing import Any

import pytest
from marshmallow import Schema

import api
from api.fields import Fen
from domain.subsidy_policy import MAX_FEN


def _money_fields() -> dict[str, set[str]]:
    """Schema component name -> its Fen fields, over every schema class in api/."""
    found: dict[str, set[str]] = {}
    for module in pkgutil.iter_modules(api.__path__):
        for _, cls in inspect.getmembers(import_module(f"api.{module.name}"), inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__.startswith("api."):
                names = {n for n, f in cls._declared_fields.items() if isinstance(f, Fen)}
                if names:
                    found[cls.__name__.removesuffix("Schema")] = names
    return found


def _money_bodies(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    money = _money_fields()
    bodies = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            media = op.get("requestBody", {}).get("content", {}).get("application/json")
            if media is None:
                continue
            name = media["schema"].get("$ref", "").rsplit("/", 1)[-1]
            for field in sorted(money.get(name, ())):
                bodies.append((method, path, media["example"], field))
    return bodies


NOT_FEN = ["5", "12.50", "5e3", 12.5, 5.0, True, False, None, [5], {"fen": 5}, 0, -100]


@pytest.mark.parametrize("value", [*NOT_FEN, MAX_FEN + 1], ids=repr)
def test_every_money_field_refuses_what_is_not_integer_fen(
    client: Any, auth: Any, system: Any, value: Any
) -> None:
    bodies = _money_bodies(client.get("/openapi.json").json)
    fields = {field for *_, field in bodies}
    assert {"amount_fen", "startup_fund_fen", "yearly_subsidy_fen"} <= fields
    admin = auth("district_admin")
    head = system.app.recorder.max_notification_id()
    accepted = []
    for method, path, example, field in bodies:
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)  # the body is refused before the id
        answer = client.open(url, method=method, json={**example, field: value}, headers=admin)
        if answer.status_code != 422 or field not in answer.json.get("errors", {}):
            accepted.append((method, path, field, answer.status_code))
    assert accepted == []
    assert system.app.recorder.max_notification_id() == head


def test_every_money_example_is_an_integer_within_bounds(client: Any) -> None:
    spec = client.get("/openapi.json").json
    bodies = _money_bodies(spec)
    assert bodies
    for _, path, example, field in bodies:
        assert type(example[field]) is int and 1 <= example[field] <= MAX_FEN, (path, field)
    money = spec["components"]["schemas"]["AllocateBudget"]["properties"]["amount_fen"]
    assert (money["type"], money["minimum"], money["maximum"]) == ("integer", 1, MAX_FEN)


@pytest.mark.parametrize("old", ["amount", "startup_fund", "yearly_subsidy"])
def test_a_yuan_field_name_is_refused_naming_its_fen_field(
    client: Any, auth: Any, system: Any, old: str
) -> None:
    bodies = [b for b in _money_bodies(client.get("/openapi.json").json) if b[3] == f"{old}_fen"]
    assert bodies
    admin = auth("district_admin")
    head = system.app.recorder.max_notification_id()
    for method, path, example, field in bodies:
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        body = {name: v for name, v in example.items() if name != field} | {old: 5000}
        answer = client.open(url, method=method, json=body, headers=admin)
        assert answer.status_code == 422, (path, answer.json)
        assert answer.content_type == "application/problem+json"
        message = " ".join(answer.json["errors"][old])
        assert f"{old}: money is now {field}, integer fen" in f"{old}: {message}", message
    assert system.app.recorder.max_notification_id() == head
