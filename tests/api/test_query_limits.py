"""Every read, every query parameter, hostile values: a 4xx or an answer, never a 500."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from tests.grid_helpers import small_district

# A URL cannot carry a lone surrogate: its bytes are decoded as UTF-8, with replacement.
HOSTILE = [
    "\x00",
    "9" * 4000,
    "",
    "-1",
    "0001-01-01",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
]


def _reads(app: Any, some_id: str) -> list[tuple[str, list[str]]]:
    """(path with its placeholders filled, query parameter names) of every GET route."""
    reads = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "docs_assets"):
            continue
        path = rule.rule
        for name, converter in rule._converters.items():
            prefix = converter_name(rule.rule, name)
            value = some_id if type(converter).__name__ == "UUIDConverter" else "2020"
            if prefix.startswith("any("):  # `.<any(json,xml):fmt>` (Open311): the first choice
                value = prefix[len("any(") : -len("):")].split(",")[0]
            path = path.replace(f"<{prefix}{name}>", value)
        reads.append((path, _query_names(app.view_functions[rule.endpoint])))
    return reads


def converter_name(rule: str, name: str) -> str:
    found = re.search(rf"<([^<>]*:)?{name}>", rule)
    assert found, rule
    return found.group(1) or ""


def _query_names(view: Any) -> list[str]:
    handler = getattr(getattr(view, "view_class", None), "get", view)
    names = []
    for param in getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        if param["in"] == "query":
            schema = param["schema"]
            schema = schema() if isinstance(schema, type) else schema
            names += [field.data_key or key for key, field in schema.fields.items()]
    return names


def test_no_query_value_makes_a_read_fail(client: Any, auth: Any, system: Any) -> None:
    ids = small_district(system.app)
    headers = auth("district_admin")
    reads = _reads(system.wsgi(), str(ids["compound1"]))
    assert len(reads) > 40 and sum(len(names) for _, names in reads) > 80
    failures = []
    logging.disable(logging.ERROR)  # the failures are listed below
    try:
        for path, names in reads:
            for name in names:
                for value in HOSTILE:
                    response = client.get(path, query_string={name: value}, headers=headers)
                    if response.status_code >= 500:
                        failures.append((path, name, value[:20], response.status_code))
    finally:
        logging.disable(logging.NOTSET)
    assert failures == []


@pytest.mark.parametrize("segment", ["%00", "%ED%A0%80", "x" * 4000])
def test_hostile_path_segments_are_not_found(client: Any, auth: Any, segment: str) -> None:
    response = client.get(f"/api/v1/assessment/periods/{segment}", headers=auth("auditor"))
    assert response.status_code == 404
