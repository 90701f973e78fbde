"""Every amount of money a command takes (each `Money` field of every request body in
/openapi.json) refuses text such as "5": 422 naming the field, nothing stored."""

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
from api.fields import Money


def _money_fields() -> dict[str, set[str]]:
    """Schema component name -> its Money fields, over every schema class in api/."""
    found: dict[str, set[str]] = {}
    for module in pkgutil.iter_modules(api.__path__):
        for _, cls in inspect.getmembers(import_module(f"api.{module.name}"), inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__.startswith("api."):
                names = {n for n, f in cls._declared_fields.items() if isinstance(f, Money)}
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


@pytest.mark.parametrize("text", ["5", "12.50", "5e3"])
def test_every_money_field_refuses_text(client: Any, auth: Any, system: Any, text: str) -> None:
    bodies = _money_bodies(client.get("/openapi.json").json)
    fields = {field for *_, field in bodies}
    assert {"amount", "startup_fund", "yearly_subsidy"} <= fields
    admin = auth("district_admin")
    head = system.app.recorder.max_notification_id()
    accepted = []
    for method, path, example, field in bodies:
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)  # the body is refused before the id
        answer = client.open(url, method=method, json={**example, field: text}, headers=admin)
        if answer.status_code != 422 or field not in answer.json.get("errors", {}):
            accepted.append((method, path, field, answer.status_code))
    assert accepted == []
    assert system.app.recorder.max_notification_id() == head
