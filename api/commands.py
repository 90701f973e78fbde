"""Running a command from a route: If-Match, Idempotency-Key, ETag, read-your-writes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, jsonify, request
from werkzeug.exceptions import Conflict

from api.auth import principal
from api.request_context import header_error
from domain.commands import CommandResult

VERSION = re.compile("[0-9]{1,18}")


def services() -> Any:
    return current_app.extensions["redprop"]


def expected_version() -> int | None:
    """The version named by `If-Match: "<version>"` (or None)."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not VERSION.fullmatch(value):
        raise header_error("If-Match", 'must be the ETag of the resource, e.g. "3"')
    return int(value)


def fingerprint() -> str:
    body = request.get_json(silent=True)
    canonical = json.dumps(
        [request.method, request.path, body, principal().user_id], sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def run(
    command: Callable[[], CommandResult], *, status: int = 200, location: str | None = None
) -> Response:
    result, replayed = services().gateway.run(
        command, idempotency_key=g.get("idempotency_key"), fingerprint=fingerprint()
    )
    response = jsonify(result.as_dict())
    response.status_code = status
    response.headers["ETag"] = f'"{result.version}"'
    if location:
        response.headers["Location"] = location.format(id=result.id)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def ensure_fresh(*projections: str, min_position: int | None) -> None:
    """Wait (bounded) until the named read models include `min_position`; else 409."""
    if not min_position:
        return
    svc = services()
    reached, at = svc.freshness.wait(list(projections), min_position, svc.read_wait_seconds)
    if not reached:
        error = Conflict(
            f"the read model is at position {at}, not yet at {min_position}; retry shortly"
        )
        error.data = {"headers": {"Retry-After": "1", "X-Read-Model-Position": str(at)}}  # type: ignore[attr-defined]
        raise error


def with_etag(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    if "version" in body:
        response.headers["ETag"] = f'"{body["version"]}"'
    return response
