"""Bounded work per request: every date lies in 1900..2100, the one date range that costs
per period has a maximum, and every list and number a reader sends has a ceiling."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from marshmallow import fields, validate

from api.fields import BusinessDate, BusinessDateTime
from api.schemas import MAX_POSITION
from domain.branch_life import MEETING_KINDS
from tests.api.test_text_limits import _api_schemas, _leaves, argument_fields

REPORT = "/api/v1/branch-life/report"
ORG = str(uuid.uuid4())


def report(client: Any, auth: Any, start: str, end: str, **more: Any) -> Any:
    query = {"org_id": ORG, "from": start, "to": end, **more}
    return client.get(REPORT, query_string=query, headers=auth("auditor"))


def test_a_ten_thousand_year_report_is_refused(client: Any, auth: Any, system: Any) -> None:
    response = report(client, auth, "0001-01-01", "9999-12-31")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert {"from", "to"} <= set(response.json["errors"])


@pytest.mark.parametrize(
    "start, end, status",
    [
        ("2011-01-01", "2020-12-31", 200),  # ten years: the longest report
        ("2011-01-01", "2021-01-01", 422),  # ten years and a day
        ("2000-01-01", "2100-12-31", 422),
        ("2020-02-29", "2030-02-28", 200),
        ("2020-02-29", "2030-03-01", 422),
    ],
)
def test_report_range_boundary(client: Any, auth: Any, start: str, end: str, status: int) -> None:
    response = report(client, auth, start, end)
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 422:
        assert list(response.json["errors"]) == ["to"]
        assert "10 years" in response.json["errors"]["to"][0]


def test_report_rules_are_a_bounded_list(client: Any, auth: Any) -> None:
    rules = [f"{kind}:1:month" for kind in MEETING_KINDS]
    assert report(client, auth, "2020-01-01", "2020-12-31", rule=rules).status_code == 200
    over = report(client, auth, "2020-01-01", "2020-12-31", rule=[*rules, rules[0]])
    assert over.status_code == 422 and "rule" in over.json["errors"]


DATE_READS = [
    ("/api/v1/grid-loop/overdue", "as_of", "T00:00:00+14:00", {}),
    ("/api/v1/grid-loop/overdue", "as_of", "T23:59:59-12:00", {}),
    ("/api/v1/service-issues", "as_of", "T23:59:59-12:00", {"overdue": "true"}),
    ("/api/v1/party-activities/periods", "as_of", "", {"what": "cross_appointment"}),
    ("/api/v1/party-building/coverage", "as_of", "", {}),
    ("/api/v1/party-building/brands", "as_of", "", {}),
    (
        "/api/v1/assessment/periods/2020/rankings",
        "as_of",
        "",
        {"subject_kind": "property_company"},
    ),
]


@pytest.mark.parametrize("path, name, time, more", DATE_READS)
@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_out_of_range_are_422(
    client: Any, auth: Any, path: str, name: str, time: str, more: dict, day: str
) -> None:
    query = {**more, name: day + time}
    response = client.get(path, query_string=query, headers=auth("district_admin"))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert name in response.json["errors"]


@pytest.mark.parametrize("path, name, time, more", DATE_READS)
@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31"])
def test_dates_at_the_bounds_are_read(
    client: Any, auth: Any, path: str, name: str, time: str, more: dict, day: str
) -> None:
    query = {**more, name: day + time}
    response = client.get(path, query_string=query, headers=auth("district_admin"))
    assert response.status_code in (200, 404), response.get_data(as_text=True)


def test_a_command_date_out_of_range_stores_nothing(client: Any, auth: Any, system: Any) -> None:
    head = system.app.recorder.max_notification_id()
    body = {
        "code": "P1",
        "name": "党支部",
        "host_kind": "community",
        "method": "independent",
        "kind": "branch",
        "founded_on": "9999-12-31",
    }
    response = client.post("/api/v1/party-orgs", json=body, headers=auth("district_admin"))
    assert response.status_code == 422
    assert "founded_on" in response.json["errors"]
    assert system.app.recorder.max_notification_id() == head


@pytest.mark.parametrize(
    "query, field",
    [
        ({"min_position": MAX_POSITION + 1}, "min_position"),
        ({"page": 100_001}, "page"),
        ({"per_page": 501}, "per_page"),
    ],
)
def test_numbers_have_ceilings(client: Any, auth: Any, query: dict, field: str) -> None:
    response = client.get("/api/v1/org-units", query_string=query, headers=auth("auditor"))
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_every_date_field_is_bounded() -> None:
    unbounded = [
        f"{schema.__module__}.{schema.__qualname__}.{name}"
        for schema in _api_schemas()
        for name, field in schema._declared_fields.items()
        for leaf in _leaves(field)
        if (isinstance(leaf, fields.Date) and not isinstance(leaf, BusinessDate))
        or (isinstance(leaf, fields.DateTime) and not isinstance(leaf, BusinessDateTime))
    ]
    assert unbounded == []


def test_every_list_a_caller_sends_has_a_maximum(system: Any) -> None:
    unbounded = [
        name
        for name, field in argument_fields(system.wsgi())
        if isinstance(field, fields.List)
        and not any(isinstance(v, validate.Length) and v.max is not None for v in field.validators)
    ]
    assert unbounded == []


def test_every_number_a_caller_sends_has_a_maximum(system: Any) -> None:
    unbounded = [
        name
        for name, field in argument_fields(system.wsgi())
        if isinstance(field, fields.Number)
        and not any(isinstance(v, validate.Range) and v.max is not None for v in field.validators)
    ]
    assert unbounded == []
