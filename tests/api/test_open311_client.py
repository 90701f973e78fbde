"""The `georeport` client (PyPI), unchanged, against a served API: JSON and XML, with the
jurisdiction set, comma lists, and the spec's 404 for another jurisdiction."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from georeport import GeoReport
from werkzeug.serving import make_server

from domain.issue_catalog import CATEGORIES
from tests.api.test_open311_api import JURISDICTION, accept, report_now
from tests.grid_helpers import small_district


@pytest.fixture
def root(system: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The Open311 endpoint of the API served on a free local port."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = make_server("127.0.0.1", 0, system.wsgi(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def issues(system: Any) -> list[str]:
    ids = small_district(system.app)
    heating = report_now(system.app, ids, 1)
    accept(system.app, heating, company_id=ids["company_a"])
    noise = report_now(system.app, ids, 2, category="noise")
    system.catch_up()
    return [heating, noise]


def as_list(value: Any) -> list[Any]:
    """xmltodict gives one repeated element as a dict, several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("output", ["json", "xml"])
def test_the_georeport_client_reads_everything(root: str, issues: list[str], output: str) -> None:
    client = GeoReport(root, jurisdiction=JURISDICTION, output_format=output)
    services = as_list(client.get_service_list())
    assert [s["service_code"] for s in services] == list(CATEGORIES)
    definition = client.get_service_definition("heating")
    attributes = definition["attributes"]
    attributes = as_list(attributes["attribute"]) if output == "xml" else attributes
    assert [a["code"] for a in attributes] == ["compound_id", "grid_id", "building"]
    found = as_list(client.get_service_requests(status="open,closed", service_code="heating,noise"))
    assert sorted(r["service_request_id"] for r in found) == sorted(issues)
    only = as_list(client.get_service_requests(service_request_id=",".join(issues)))
    assert sorted(r["service_request_id"] for r in only) == sorted(issues)
    one = client.get_service_request(issues[0])
    assert one["service_request_id"] == issues[0] and one["agency_responsible"] == "1号物业"
    assert one["status"] == "open"


def test_another_jurisdiction_is_not_found(root: str) -> None:
    client = GeoReport(root, jurisdiction="sfgov.org")
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_list()
    assert refused.value.response.status_code == 404
    (error,) = refused.value.response.json()
    assert error["code"] == 404 and "jurisdiction_id" in error["description"]
