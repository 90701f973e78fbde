"""Every single-resource GET whose resource is also listed answers an ETag, and
If-None-Match with that tag answers 304 with no body (RFC 9110 §13.1.2).

The ETag is the aggregate's version, so a read model must carry it (a version column
bumped by every event of its aggregate). The set of reads without one is asserted exactly,
and is empty: a new single read without an ETag fails here."""

from __future__ import annotations

from typing import Any

import pytest

from scenarios.tianqiao import load_tianqiao

NO_VERSION_IN_THE_READ_MODEL: set[str] = set()


@pytest.fixture
def tianqiao(system: Any) -> Any:
    load_tianqiao(system.app)
    system.catch_up()
    return system


def _singles(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(collection, single) for each single-resource read whose collection is listed."""
    pairs = []
    for single, operations in spec["paths"].items():
        collection = single.rsplit("/", 1)[0]
        if "get" not in operations or not single.endswith("}") or "{" in collection:
            continue
        if "get" in spec["paths"].get(collection, {}) and not collection.startswith("/open311/"):
            pairs.append((collection, single))
    return pairs


def test_every_listed_resource_read_alone_has_an_etag_and_answers_304(
    tianqiao: Any, client: Any, auth: Any
) -> None:
    admin = auth("district_admin")
    pairs = _singles(client.get("/openapi.json").json)
    without, uncached = [], []
    for collection, single in pairs:
        row = client.get(collection, query_string={"per_page": 1}, headers=admin).json["items"][0]
        name = single.rsplit("{", 1)[1].rstrip("}")
        url = f"{collection}/{row[name] if name in row else row['id']}"
        read = client.get(url, headers=admin)
        assert read.status_code == 200, (url, read.json)
        if "ETag" not in read.headers:
            without.append(single)
            continue
        cached = client.get(url, headers={**admin, "If-None-Match": read.headers["ETag"]})
        if cached.status_code != 304 or cached.data:
            uncached.append(single)
    assert len(pairs) - len(without) >= 4
    assert set(without) == NO_VERSION_IN_THE_READ_MODEL
    assert uncached == []
