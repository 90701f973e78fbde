"""Open311 GeoReport v2: spec field names, form-encoded POST, api_key, the spec's refusals."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from api.open311 import MAX_REQUEST_IDS
from domain.issue_catalog import STATES
from domain.metadata import command_context
from domain.service_issue_commands import AcceptIssue
from tests.conftest import SECRET
from tests.grid_helpers import report, small_district

BASE = "/open311/v2"
JURISDICTION = "tianqiao.jinan.cn"  # the default of REDPROP_OPEN311_JURISDICTION


def now() -> Any:
    """Commands in the block happen now (the Open311 default window is the last 90 days)."""
    return command_context(actor_id="tester", role="district_admin", scope="*", channel="test")


def report_now(app: Any, ids: dict[str, UUID], n: int = 1, **overrides: Any) -> str:
    with now():
        return str(report(app, ids, n, **overrides))


def accept(app: Any, issue: str, **routing: Any) -> None:
    with now():
        app.handle(AcceptIssue(issue_id=UUID(issue), **routing))


def spec_errors(response: Any, status: int) -> list[str]:
    """The descriptions of a spec error answer (JSON), after checking its shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/json; charset=utf-8"
    body = response.json
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} and e["code"] == status for e in body)
    return [e["description"] for e in body]


def test_services_list_and_definition(client: Any) -> None:
    services = client.get(f"{BASE}/services.json").json
    heating = next(s for s in services if s["service_code"] == "heating")
    assert heating["service_name"] == "供暖" and heating["metadata"] is True
    assert set(heating) >= {"service_code", "service_name", "description", "metadata", "type"}
    definition = client.get(f"{BASE}/services/heating.json").json
    assert definition["attributes"][0]["code"] == "compound_id"


def test_post_with_api_key_then_get(client: Any, system: Any) -> None:
    from api.auth import mint_token

    ids = small_district(system.app)
    key = mint_token(SECRET, user_id="app-1", role="resident", scope="*")
    form = {
        "api_key": key,
        "jurisdiction_id": JURISDICTION,
        "service_code": "noise",
        "description": "夜间施工噪音",
        "lat": "36.68",
        "long": "116.98",
        "address_string": "堤口路1号",
        "attribute[compound_id]": str(ids["compound2"]),
        "phone": "13912345678",
        "account_id": "r-42",
    }
    made = client.post(f"{BASE}/requests.json", data=form)
    assert made.status_code == 201, made.get_data(as_text=True)
    (created,) = made.json
    assert created["account_id"] == "r-42"
    request_id = created["service_request_id"]
    system.catch_up()
    (one,) = client.get(f"{BASE}/requests/{request_id}.json").json
    expected = {
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url",
    }  # fmt: skip
    assert set(one) == expected
    assert one["status"] == "open" and one["service_code"] == "noise"
    assert one["lat"] == 36.68 and one["address"] is None  # free text: withheld
    assert "13912345678" not in client.get(f"{BASE}/requests.json").get_data(as_text=True)
    with_status = client.get(f"{BASE}/requests.json", query_string={"status": "closed"}).json
    assert with_status == []
    listed = client.get(f"{BASE}/requests.json", query_string={"service_code": "noise"}).json
    assert [r["service_request_id"] for r in listed] == [request_id]
    opened = client.get(f"{BASE}/requests.json", query_string={"status": "open"}).json
    assert [r["service_request_id"] for r in opened] == [request_id]
    future = {"start_date": "2100-12-31T00:00:00+08:00"}
    assert client.get(f"{BASE}/requests.json", query_string=future).json == []
    by_ids = client.get(f"{BASE}/requests.json", query_string={"service_request_id": request_id})
    assert by_ids.json[0]["service_request_id"] == request_id


def test_post_refusals_are_the_spec_codes(client: Any, auth: Any, system: Any) -> None:
    ids = small_district(system.app)
    head = system.app.recorder.max_notification_id()
    url = f"{BASE}/requests.json"
    form = {"service_code": "heating", "description": "x"}
    assert "api_key" in spec_errors(client.post(url, data=form), 403)[0]
    assert spec_errors(client.post(url, data={**form, "api_key": "not-a-token"}), 403)
    bad_bearer = {"Authorization": "Bearer not-a-token"}
    assert spec_errors(client.post(url, data=form, headers=bad_bearer), 403)
    admin = auth("district_admin")
    missing = spec_errors(client.post(url, data=form, headers=admin), 400)
    assert missing[0].startswith("attribute[compound_id]: ")
    no_fields = spec_errors(client.post(url, data={}, headers=admin), 400)
    assert sorted(d.split(":")[0] for d in no_fields) == ["description", "service_code"]
    in_compound1 = {**form, "attribute[compound_id]": str(ids["compound1"])}
    unknown = client.post(url, data={**in_compound1, "service_code": "weather"}, headers=admin)
    assert spec_errors(unknown, 404)[0].startswith("service_code")
    assert spec_errors(client.post(url, data=in_compound1, headers=auth("auditor")), 403)
    nowhere = {**form, "attribute[compound_id]": str(ids["street"])}
    refused = spec_errors(client.post(url, data=nowhere, headers=auth("resident")), 400)
    assert refused[0].startswith("attribute[compound_id]: ")
    nan = client.post(url, data={**in_compound1, "lat": "nan"}, headers=admin)
    assert spec_errors(nan, 400)[0].startswith("lat: ")
    assert system.app.recorder.max_notification_id() == head


def test_unknown_things_are_404_in_the_spec_shape(client: Any) -> None:
    assert spec_errors(client.get(f"{BASE}/requests/nope.json"), 404)
    missing = "9b0f7c43-4b1e-4f7a-9d55-3a8e3f1f0c11"
    assert spec_errors(client.get(f"{BASE}/requests/{missing}.json"), 404)
    assert spec_errors(client.get(f"{BASE}/services/weather.json"), 404)
    assert spec_errors(client.get(f"{BASE}/requests/%00.json"), 404)
    assert spec_errors(client.get(f"{BASE}/tokens/abc.json"), 404)
    assert spec_errors(client.get(f"{BASE}/services.csv"), 404)
    wrong_method = client.delete(f"{BASE}/requests.json")
    assert spec_errors(wrong_method, 405)
    assert {"GET", "POST"} <= set(wrong_method.headers["Allow"].split(", "))


def test_a_refusal_before_any_route_matched_is_in_the_spec_shape(client: Any) -> None:
    """Header checks run before routing: under /open311 their refusal is still the spec's."""
    empty_correlation = {"X-Correlation-Id": ""}
    assert spec_errors(client.get(f"{BASE}/requests/%00.json", headers=empty_correlation), 400)
    assert spec_errors(client.get(f"{BASE}/services.json", headers=empty_correlation), 400)
    elsewhere = client.get("/api/v1/nowhere", headers=empty_correlation)
    assert elsewhere.status_code == 422
    assert elsewhere.mimetype == "application/problem+json"


def test_read_refusals_name_the_field_and_never_500(client: Any) -> None:
    url = f"{BASE}/requests.json"
    cases = {
        "status": "open,pending",
        "service_code": "heating,weather",
        "start_date": "yesterday",
        "end_date": "2020-01-01",  # no time-zone offset
        "page_size": "1001",
        "page": "0",
        "service_request_id": ",".join(str(n) for n in range(51)),
        "bogus": "1",
    }
    for name, value in cases.items():
        (said,) = spec_errors(client.get(url, query_string={name: value}), 400)
        assert said.startswith(f"{name}: "), said


@pytest.mark.parametrize(
    "name, time", [("start_date", "T00:00:00+14:00"), ("end_date", "T23:59:59-12:00")]
)
def test_dates_are_bounded(client: Any, name: str, time: str) -> None:
    url = f"{BASE}/requests.json"
    for day in ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]:
        (said,) = spec_errors(client.get(url, query_string={name: day + time}), 400)
        assert said.startswith(f"{name}: ")
    for day in ["1900-01-01", "2100-12-31"]:
        response = client.get(url, query_string={name: day + time})
        assert response.status_code == 200, response.get_data(as_text=True)


def test_request_ids_are_a_bounded_list(client: Any) -> None:
    url = f"{BASE}/requests.json"
    ids = ",".join(str(uuid4()) for _ in range(MAX_REQUEST_IDS))
    assert client.get(url, query_string={"service_request_id": ids}).json == []
    over = client.get(url, query_string={"service_request_id": f"{ids},{uuid4()}"})
    assert spec_errors(over, 400)[0].startswith("service_request_id: ")


def test_unstorable_form_text_is_refused(client: Any, auth: Any, system: Any) -> None:
    ids = small_district(system.app)
    head = system.app.recorder.max_notification_id()
    form = {
        "service_code": "heating",
        "description": "暖气不热\x00",
        "attribute[compound_id]": str(ids["compound1"]),
    }
    response = client.post(f"{BASE}/requests.json", data=form, headers=auth("district_admin"))
    assert spec_errors(response, 400)[0].startswith("description: ")
    assert system.app.recorder.max_notification_id() == head


PRIVATE = {
    "description": "3号楼2单元301 张三家暖气不热",
    "address": "堤口路1号3号楼2单元301",
    "reporter_contact": "13912345678",
    "reporter_ref": "zhang-san",
    "lat": 36.681234,
    "long": 116.987654,
}


PRIVATE_MARKERS = ("张三", "单元301", "13912345678", "zhang-san", "王五", "36.681234", "116.987654")


def _private_issue(system: Any) -> tuple[str, str]:
    """One open issue and one referred out, each reported with free text and a contact."""
    from domain.service_issue_commands import ReferIssueOut

    ids = small_district(system.app)
    open_one = report_now(system.app, ids, 1, **PRIVATE)
    referred = report_now(system.app, ids, 1, **{**PRIVATE, "reporter_ref": "li-si"})
    with now():
        system.app.handle(ReferIssueOut(issue_id=UUID(referred), reason="转交张三的房东王五"))
    system.catch_up()
    return open_one, referred


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_public_reads_withhold_free_text_and_precise_places(
    client: Any, system: Any, auth: Any, fmt: str
) -> None:
    open_one, referred = _private_issue(system)
    answers = [
        (client.get(f"{BASE}/requests.{fmt}"), referred),
        (client.get(f"{BASE}/requests/{open_one}.{fmt}"), open_one),
        (client.get(f"{BASE}/requests/{referred}.{fmt}"), referred),
        (client.get(f"{BASE}/requests.{fmt}", headers=auth("district_admin")), open_one),
    ]  # the last: a token changes nothing
    for answer, shown in answers:
        text = answer.get_data(as_text=True)
        assert answer.status_code == 200 and shown in text, text[:300]
        # markers that a random id cannot contain: "301" alone or "681234" was found in one
        for private in PRIVATE_MARKERS:
            assert private not in text, (private, text[:600])
    if fmt == "json":
        listed = {r["service_request_id"]: r for r in answers[0][0].json}
        assert listed[open_one]["description"] is None and listed[open_one]["address"] is None
        assert (listed[open_one]["lat"], listed[open_one]["long"]) == (36.681, 116.988)
        assert listed[referred]["status"] == "closed"
        assert listed[referred]["status_notes"] == STATES["referred_out"]
    official = client.get(f"/api/v1/service-issues/{open_one}", headers=auth("district_admin"))
    assert official.json["description"] == PRIVATE["description"]  # the ledger keeps it
