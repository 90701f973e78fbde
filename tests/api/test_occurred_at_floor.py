"""Issue 15: `Occurred-At: 0001-01-01…` was accepted. The floor is 1900-01-01 (the day as
written, like every date field): the last second before it is refused and stores nothing,
its first second is taken."""

from __future__ import annotations

from typing import Any

import pytest

UNITS = "/api/v1/org-units"
DISTRICT = {"kind": "district", "code": "370105", "name": "天桥区"}


@pytest.mark.parametrize("when", ["1899-12-31T23:59:59+08:00", "1899-12-31T23:59:59-12:00"])
def test_business_time_before_the_floor_is_422(
    client: Any, auth: Any, system: Any, when: str
) -> None:
    head = system.app.recorder.max_notification_id()
    refused = client.post(
        UNITS, json=DISTRICT, headers={**auth("district_admin"), "Occurred-At": when}
    )
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"]["Occurred-At"] == ["is before 1900-01-01"]
    assert system.app.recorder.max_notification_id() == head


@pytest.mark.parametrize("when", ["1900-01-01T00:00:00+08:00", "1900-01-01T00:00:00+14:00"])
def test_business_time_on_the_floor_is_taken(
    client: Any, auth: Any, system: Any, when: str
) -> None:
    taken = client.post(
        UNITS, json=DISTRICT, headers={**auth("district_admin"), "Occurred-At": when}
    )
    assert taken.status_code == 201, taken.json
    recorder = system.app.recorder
    (stored,) = recorder.select_notifications(start=recorder.max_notification_id(), limit=1)
    assert when[:19].encode() in stored.state  # recorded as the event's business time
