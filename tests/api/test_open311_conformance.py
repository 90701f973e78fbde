"""Open311 GeoReport v2 conformance: the jurisdiction, XML beside JSON, comma lists, the
90-day window with its paging, discovery, and agencies by name."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from api.auth import mint_token
from api.open311_format import answer
from domain.service_issue_commands import ReferIssueOut
from infra.bootstrap import build_system
from infra.settings import Settings
from tests.api.test_open311_api import BASE, JURISDICTION, accept, now, report_now, spec_errors
from tests.conftest import SECRET
from tests.grid_helpers import at, report, small_district


@pytest.fixture
def ids(system: Any) -> dict:
    return small_district(system.app)


@pytest.fixture
def two_now(system: Any, ids: dict) -> list[str]:
    """A heating issue in compound1 (accepted by company_a) and a noise issue in compound2."""
    first = report_now(system.app, ids, 1)
    accept(system.app, first, company_id=ids["company_a"])
    second = report_now(system.app, ids, 2, category="noise")
    system.catch_up()
    return [first, second]


def reads(request_id: str) -> list[str]:
    return [
        "/open311/discovery",
        f"{BASE}/discovery",
        f"{BASE}/services",
        f"{BASE}/services/heating",
        f"{BASE}/requests",
        f"{BASE}/requests/{request_id}",
    ]


def xml_of(response: Any, root: str, status: tuple[int, ...] = (200, 201)) -> ET.Element:
    assert response.status_code in status, response.get_data(as_text=True)
    assert response.content_type == "text/xml; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    element = ET.fromstring(response.get_data())
    assert element.tag == root
    return element


def test_the_configured_jurisdiction_is_served_and_no_other(
    client: Any, two_now: list[str], auth: Any, ids: dict, system: Any
) -> None:
    for path in reads(two_now[0]):
        for fmt in ("json", "xml"):
            url = f"{path}.{fmt}"
            assert (
                client.get(url, query_string={"jurisdiction_id": JURISDICTION}).status_code == 200
            )
            assert client.get(url, query_string={"jurisdiction_id": ""}).status_code == 200
            other = client.get(url, query_string={"jurisdiction_id": "sfgov.org"})
            assert other.status_code == 404, url
            if fmt == "json":
                assert "jurisdiction_id" in spec_errors(other, 404)[0]
            else:
                error = xml_of_error(other, 404)
                assert "jurisdiction_id" in error
    head = system.app.recorder.max_notification_id()
    form = {
        "jurisdiction_id": "sfgov.org",
        "service_code": "heating",
        "description": "暖气不热",
        "attribute[compound_id]": str(ids["compound1"]),
    }
    refused = client.post(f"{BASE}/requests.json", data=form, headers=auth("district_admin"))
    assert "jurisdiction_id" in spec_errors(refused, 404)[0]
    assert system.app.recorder.max_notification_id() == head


def xml_of_error(response: Any, status: int) -> str:
    errors = xml_of(response, "errors", (status,))
    (error,) = errors
    assert error.tag == "error" and [c.tag for c in error] == ["code", "description"]
    assert error.findtext("code") == str(status)
    return error.findtext("description") or ""


def test_the_jurisdiction_is_a_setting(make_settings: Callable[..., Settings]) -> None:
    assert Settings.from_env({}).open311_jurisdiction == JURISDICTION
    env = {"REDPROP_OPEN311_JURISDICTION": "jnqtq.gov.cn"}
    assert Settings.from_env(env).open311_jurisdiction == "jnqtq.gov.cn"
    built = build_system(make_settings(open311_jurisdiction="jnqtq.gov.cn"))
    try:
        client = built.wsgi().test_client()
        url = f"{BASE}/services.json"
        assert client.get(url, query_string={"jurisdiction_id": "jnqtq.gov.cn"}).status_code == 200
        assert client.get(url, query_string={"jurisdiction_id": JURISDICTION}).status_code == 404
    finally:
        built.close()


def test_every_resource_answers_xml_with_the_json_data(client: Any, two_now: list[str]) -> None:
    roots = ["discovery", "discovery", "services", "service_definition", "service_requests"]
    for path, root in zip(reads(two_now[0]), [*roots, "service_requests"], strict=True):
        as_json = client.get(f"{path}.json")
        assert as_json.content_type == "application/json; charset=utf-8"
        element = xml_of(client.get(f"{path}.xml"), root)
        assert spark(element) == as_json.json, path


def spark(element: ET.Element) -> Any:
    """XML to JSON by the Spark convention the spec names (lists are their items)."""
    lists = {"services", "attributes", "service_requests", "errors", "endpoints", "formats"}
    children = list(element)
    if element.tag in lists:
        return [spark(child) for child in children]
    if children:
        return {child.tag: spark(child) for child in children}
    text = element.text
    if text is None:
        return None
    if text in ("true", "false"):
        return text == "true"
    if (
        element.tag in ("lat", "long", "order", "code")
        and text.lstrip("-").replace(".", "", 1).isdigit()
    ):
        return float(text) if "." in text else int(text)
    return text


def test_post_answers_xml(client: Any, auth: Any, ids: dict) -> None:
    form = {
        "service_code": "heating",
        "description": "暖气不热",
        "attribute[compound_id]": str(ids["compound1"]),
        "account_id": "r-7",
    }
    made = client.post(f"{BASE}/requests.xml", data=form, headers=auth("district_admin"))
    assert made.status_code == 201
    (created,) = xml_of(made, "service_requests")
    assert created.tag == "request"
    assert [c.tag for c in created] == ["service_request_id", "service_notice", "account_id"]
    assert created.findtext("account_id") == "r-7"
    refused = client.post(f"{BASE}/requests.xml", data={**form, "api_key": "x"})
    assert xml_of_error(refused, 403)


def test_text_xml_cannot_hold_is_shown_as_a_replacement() -> None:
    # the public reads withhold descriptions; agency names and error texts still pass here
    body = [{"agency_responsible": "物业\x0b公\x01司"}]
    (request,) = xml_of(answer("service_requests", body, "xml"), "service_requests")
    assert request.findtext("agency_responsible") == "物业\ufffd公\ufffd司"
    assert answer("service_requests", body, "json").json == body


def test_comma_lists(client: Any, system: Any, ids: dict, two_now: list[str]) -> None:
    closed = report_now(system.app, ids, 1, category="noise")
    with now():
        system.app.handle(ReferIssueOut(issue_id=UUID(closed), reason="非物业"))
    system.catch_up()
    url = f"{BASE}/requests.json"

    def listed(**query: str) -> set[str]:
        response = client.get(url, query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {r["service_request_id"] for r in response.json}

    every = {*two_now, closed}
    assert listed(status="open,closed") == every == listed(status="closed, open") == listed()
    assert listed(status="open") == set(two_now) and listed(status="closed") == {closed}
    assert listed(service_code="heating,noise") == every
    assert listed(service_code="noise") == {two_now[1], closed}
    assert listed(service_code="noise", status="open") == {two_now[1]}
    assert listed(service_request_id=f"{two_now[0]},{closed}") == {two_now[0], closed}
    # service_request_id overrides every other argument, as the spec says
    assert listed(service_request_id=closed, status="open", service_code="heating") == {closed}


def test_the_default_window_is_the_last_90_days(
    client: Any, system: Any, ids: dict, two_now: list[str]
) -> None:
    with at("2020-03-01T09:00:00"):
        old = str(report(system.app, ids, 1))
    system.catch_up()
    url = f"{BASE}/requests.json"

    def listed(**query: str) -> list[str]:
        response = client.get(url, query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["X-Total-Count"] == str(len(response.json))
        return [r["service_request_id"] for r in response.json]

    assert sorted(listed()) == sorted(two_now)
    assert listed(start_date="2020-02-01T00:00:00+08:00") == [old]
    assert listed(end_date="2020-04-01T00:00:00+08:00") == [old]
    assert (
        listed(start_date="2020-03-02T00:00:00+08:00", end_date="2020-05-30T00:00:00+08:00") == []
    )
    assert listed(service_request_id=old) == [old]  # by id: no window
    too_wide = {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-03-31T00:00:01Z"}
    (said,) = spec_errors(client.get(url, query_string=too_wide), 400)
    assert said.startswith("end_date: ") and "90 days" in said
    backwards = {"start_date": "2020-03-01T00:00:00Z", "end_date": "2020-02-01T00:00:00Z"}
    assert spec_errors(client.get(url, query_string=backwards), 400)[0].startswith("end_date: ")
    exactly_90 = {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-03-31T00:00:00Z"}
    assert client.get(url, query_string=exactly_90).status_code == 200


def test_pages_are_counted_and_linked(client: Any, two_now: list[str]) -> None:
    url = f"{BASE}/requests.json"
    first = client.get(url, query_string={"page_size": 1, "status": "open"})
    assert first.headers["X-Total-Count"] == "2" and len(first.json) == 1
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    assert "page=2" in first.headers["Link"] and "status=open" in first.headers["Link"]
    second = client.get(url, query_string={"page_size": 1, "status": "open", "page": 2})
    assert 'rel="prev"' in second.headers["Link"] and 'rel="next"' not in second.headers["Link"]
    pages = [first.json[0]["service_request_id"], second.json[0]["service_request_id"]]
    assert sorted(pages) == sorted(two_now)
    whole = client.get(url)
    assert "Link" not in whole.headers and len(whole.json) == 2


def test_discovery(client: Any) -> None:
    for path in ("/open311/discovery.json", f"{BASE}/discovery.json"):
        body = client.get(path).json
        assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
        (endpoint,) = body["endpoints"]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://localhost/open311/v2"
        assert endpoint["type"] in ("production", "test")
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
        services = client.get(endpoint["url"] + "/services.xml")
        assert services.status_code == 200
    element = xml_of(client.get("/open311/discovery.xml"), "discovery")
    formats = element.find("endpoints/endpoint/formats")
    assert formats is not None and [f.tag for f in formats] == ["format", "format"]


def test_agency_responsible_is_a_name(
    client: Any, system: Any, ids: dict, two_now: list[str]
) -> None:
    street = report_now(system.app, ids, 2)
    accept(system.app, street, department="堤口路街道城管科")
    system.catch_up()

    def agency(issue: str) -> Any:
        return client.get(f"{BASE}/requests/{issue}.json").json[0]["agency_responsible"]

    assert agency(two_now[0]) == "1号物业"  # the accepting company, by its registered name
    assert agency(street) == "堤口路街道城管科"
    assert agency(two_now[1]) is None  # not yet accepted: no agency yet
    listed = client.get(f"{BASE}/requests.json", query_string={"service_code": "heating"}).json
    assert sorted(r["agency_responsible"] for r in listed) == ["1号物业", "堤口路街道城管科"]


def test_api_key_on_a_read_is_not_needed_nor_refused(client: Any, two_now: list[str]) -> None:
    key = mint_token(SECRET, user_id="app-1", role="resident", scope="*")
    with_key = client.get(f"{BASE}/requests.json", query_string={"api_key": key})
    assert with_key.status_code == 200 and len(with_key.json) == 2


def test_the_openapi_document_says_what_open311_answers(client: Any) -> None:
    spec = client.get("/openapi.json").json
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        if path.startswith("/open311/")
        for method, op in item.items()
        if method in ("get", "post")
    ]
    assert len(operations) == 7
    for path, method, op in operations:
        assert "{fmt}" in path
        answers = op["responses"]
        success = answers["201" if method == "post" else "200"]["content"]
        assert {"application/json", "text/xml"} <= set(success), path
        for status in ("400", "403", "404"):
            errors = answers[status]["content"]["application/json"]["schema"]
            assert errors["type"] == "array", (path, status)
        assert "422" not in answers, path


HOSTILE = ["\x00", "9" * 3000, "", "-1", "a,,b", ",", "0001-01-01T00:00:00+14:00", "<x/>&"]


def test_no_hostile_value_gets_a_500_or_leaves_the_spec_shape(
    client: Any, two_now: list[str], auth: Any, ids: dict, system: Any
) -> None:
    from api.open311_schemas import ListRequests, PostRequest

    names = [f.data_key or n for n, f in ListRequests().fields.items()]
    odd = []
    for path in reads(two_now[0]):
        for fmt in ("json", "xml"):
            for name in names:
                for value in HOSTILE:
                    response = client.get(f"{path}.{fmt}", query_string={name: value})
                    if response.status_code >= 400 and not _spec_shaped(response, fmt):
                        odd.append((path, fmt, name, value[:10], response.status_code))
    base = {
        "service_code": "heating",
        "description": "暖气不热",
        "attribute[compound_id]": str(ids["compound1"]),
    }
    admin = auth("district_admin")
    for name in [f.data_key or n for n, f in PostRequest().fields.items()]:
        for value in HOSTILE:
            for fmt in ("json", "xml"):
                head = system.app.recorder.max_notification_id()
                form = {**base, name: value}
                response = client.post(f"{BASE}/requests.{fmt}", data=form, headers=admin)
                refused = response.status_code >= 400
                if refused and not _spec_shaped(response, fmt):
                    odd.append(("POST", fmt, name, value[:10], response.status_code))
                if refused and system.app.recorder.max_notification_id() != head:
                    odd.append(("POST stored", fmt, name, value[:10], response.status_code))
    assert odd == []


def _spec_shaped(response: Any, fmt: str) -> bool:
    if response.status_code >= 500:
        return False
    if fmt == "json":
        body = response.json
        return isinstance(body, list) and all(e["code"] == response.status_code for e in body)
    errors = ET.fromstring(response.get_data())
    return errors.tag == "errors" and all(
        e.findtext("code") == str(response.status_code) for e in errors
    )
