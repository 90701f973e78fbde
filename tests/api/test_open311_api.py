"""Open311 GeoReport v2 subset: spec field names, form-encoded POST, api_key."""

from __future__ import annotations

from typing import Any

from tests.conftest import SECRET
from tests.grid_helpers import small_district

BASE = "/open311/v2"


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
    assert one["lat"] == 36.68 and one["address"] == "堤口路1号"
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


def test_post_refusals(client: Any, auth: Any, system: Any) -> None:
    ids = small_district(system.app)
    head = system.app.recorder.max_notification_id()
    form = {"service_code": "heating", "description": "x"}
    assert client.post(f"{BASE}/requests.json", data=form).status_code == 401
    admin = auth("district_admin")
    missing = client.post(f"{BASE}/requests.json", data=form, headers=admin)
    assert missing.status_code == 422 and "attribute[compound_id]" in missing.json["errors"]
    unknown = client.post(
        f"{BASE}/requests.json",
        data={**form, "service_code": "weather", "attribute[compound_id]": str(ids["compound1"])},
        headers=admin,
    )
    assert unknown.status_code == 422 and "service_code" in unknown.json["errors"]
    assert unknown.content_type == "application/problem+json"
    auditor = client.post(
        f"{BASE}/requests.json",
        data={**form, "attribute[compound_id]": str(ids["compound1"])},
        headers=auth("auditor"),
    )
    assert auditor.status_code == 403
    resident = auth("resident")
    nowhere = client.post(
        f"{BASE}/requests.json",
        data={**form, "attribute[compound_id]": str(ids["street"])},
        headers=resident,
    )
    assert nowhere.status_code == 422 and "attribute[compound_id]" in nowhere.json["errors"]
    assert system.app.recorder.max_notification_id() == head
    assert client.get(f"{BASE}/requests/nope.json").status_code == 404
