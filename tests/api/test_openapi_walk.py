"""The OpenAPI document as client generators read it: every success answer has a schema,
and no two schemas share a name (apispec would rename one silently)."""

from __future__ import annotations

import warnings
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


def test_every_success_answer_has_a_schema(client: Any) -> None:
    spec = client.get("/openapi.json").json
    missing = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            for status, answer in item.get(method, {}).get("responses", {}).items():
                if status.startswith("2") and status != "204":
                    content = answer.get("content", {})
                    if not any("schema" in media for media in content.values()):
                        missing.append(f"{method.upper()} {path} {status}")
    assert missing == []


def test_no_two_schemas_share_a_name(system: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        system.wsgi().test_client().get("/openapi.json")
    clashes = [str(w.message) for w in caught if "Multiple schemas resolved" in str(w.message)]
    assert clashes == []
