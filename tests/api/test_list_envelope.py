"""Every list answers the same paging envelope; a listed resource can be read alone.

The walk reads `/openapi.json`, so a list endpoint added later is checked too. Open311
(`/open311/`) is outside it: GeoReport v2 answers bare arrays by its own specification.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from scenarios.tianqiao import load_tianqiao

ENVELOPE = {"items", "page", "per_page", "total"}


def _value(name: str, schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if schema.get("format") == "date":
        return "2020-06-30"
    if schema.get("type") == "integer":
        return 2020 if "year" in name else 1
    if "month" in name:
        return "2020-06"
    if name in ("key", "period"):
        return "2020Q4"
    return "2020Q4" if name == "from" else "x"


def _request(path: str, operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    query = {}
    for param in operation.get("parameters", []):
        value = _value(param["name"], param.get("schema", {}))
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", str(value))
        elif param.get("required"):
            query[param["name"]] = value
    return path, query


def _list_reads(client: Any, headers: dict[str, str]) -> list[tuple[str, Any]]:
    spec = client.get("/openapi.json").json
    answers = []
    for path, operations in spec["paths"].items():
        if "get" not in operations or path.startswith("/open311/"):
            continue
        url, query = _request(path, operations["get"])
        answers.append((path, client.get(url, query_string=query, headers=headers)))
    return answers


def test_every_list_is_paged_with_the_same_envelope(client: Any, auth: Any) -> None:
    answers = _list_reads(client, auth("district_admin"))
    unread = [(path, r.status_code) for path, r in answers if r.status_code not in (200, 404)]
    assert unread == [], "the walk could not call these reads; teach _value their parameters"
    bodies = [(path, r.get_json(silent=True)) for path, r in answers if r.status_code == 200]
    bare = [
        path
        for path, body in bodies
        if isinstance(body, list)
        or (isinstance(body, dict) and "items" in body and not set(body) >= ENVELOPE)
    ]
    assert bare == []


def test_a_paged_list_honours_page_and_per_page(client: Any, auth: Any) -> None:
    admin = auth("district_admin")
    everything = client.get("/api/v1/assessment/indicators", headers=admin).json
    assert everything["total"] == len(everything["items"]) > 2
    second = client.get(
        "/api/v1/assessment/indicators", query_string={"page": 2, "per_page": 2}, headers=admin
    ).json
    assert second["items"] == everything["items"][2:4]
    assert (second["page"], second["per_page"], second["total"]) == (2, 2, everything["total"])


def test_a_property_company_can_be_read_alone(client: Any, auth: Any, tree: dict) -> None:
    admin = auth("district_admin")
    registered = client.post(
        "/api/v1/property-companies",
        json={"credit_code": "91370105MA3C0001XY", "name": "明德物业", "street_id": tree["street"]},
        headers=admin,
    )
    assert registered.status_code == 201, registered.json
    url = f"/api/v1/property-companies/{registered.json['id']}"
    at = {"min_position": registered.json["position"]}
    one = client.get(url, query_string=at, headers=auth("resident"))
    assert one.status_code == 200, one.json
    listed = client.get("/api/v1/property-companies", query_string=at, headers=admin).json
    assert one.json == listed["items"][0]
    missing = client.get(f"/api/v1/property-companies/{uuid.uuid4()}", headers=admin)
    assert missing.status_code == 404


# Lists whose rows are figures or lines of another resource, not resources of their own.
NOT_ADDRESSABLE = {
    "/api/v1/grid-loop/funnel": "counts per area or month",
    "/api/v1/grid-loop/rates": "rates per company or community",
    "/api/v1/grid-loop/overdue": "service issues, read at /service-issues/{id}",
    "/api/v1/party-building/demonstration-projects": "designations of org units in a year",
    "/api/v1/party-building/brands": "brands held by companies, read at /property-companies/{id}",
    "/api/v1/party-activities/periods": "periods in force on a date",
    "/api/v1/party-activities/events": "events held in a year",
    "/api/v1/assessment/indicators": "the fixed catalogue of indicator definitions",
    "/api/v1/subsidies/journal": "journal lines of the double-entry ledger",
    "/api/v1/subsidies/balances": "balances per account",
    "/api/v1/subsidies/streets": "sums per street",
    "/api/v1/subsidies/reports/yearly": "sums per year and kind",
}


def test_every_listed_resource_can_be_read_alone(client: Any, auth: Any) -> None:
    spec = client.get("/openapi.json").json
    reads = {path for path, operations in spec["paths"].items() if "get" in operations}
    lists = [
        path
        for path, r in _list_reads(client, auth("district_admin"))
        if r.status_code == 200 and isinstance(r.get_json(silent=True), dict) and "items" in r.json
    ]
    collections = [path for path in lists if "{" not in path and path not in NOT_ADDRESSABLE]
    alone = {path.rsplit("/", 1)[0] for path in reads if path.endswith("}")}
    assert [path for path in collections if path not in alone] == []


@pytest.fixture
def tianqiao(system: Any) -> Any:
    load_tianqiao(system.app)
    system.catch_up()
    return system


def test_each_listed_resource_read_alone_matches_its_list_row(
    tianqiao: Any, client: Any, auth: Any
) -> None:
    admin = auth("district_admin")
    spec = client.get("/openapi.json").json
    singles = [p for p, ops in spec["paths"].items() if "get" in ops and p.endswith("}")]
    compared = []
    for single in singles:
        collection = single.rsplit("/", 1)[0]
        listable = "get" in spec["paths"].get(collection, {})
        if not listable or "{" in collection or collection.startswith("/open311/"):
            continue  # e.g. /subsidies/statements/{branch_id}: no list of statements
        listed = client.get(collection, query_string={"per_page": 3}, headers=admin).json
        assert listed["items"], f"the scenario leaves {collection} empty"
        for row in listed["items"]:
            name = single.rsplit("{", 1)[1].rstrip("}")
            key = row[name] if name in row else row["id"]
            alone = client.get(f"{collection}/{key}", headers=admin)
            assert alone.status_code == 200, (collection, alone.json)
            if "versions" in alone.json:  # a list of versions: the row is one of them
                assert row in alone.json["versions"], collection
                continue
            shared = {k: v for k, v in alone.json.items() if k in row}
            assert shared == row, collection
        compared.append(collection)
    assert "/api/v1/grid/workers" in compared and "/api/v1/subsidies/budgets" in compared
