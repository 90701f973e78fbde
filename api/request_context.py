"""Per-request command metadata: who, role, scope, business time, correlation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from flask import g, request
from werkzeug.exceptions import UnprocessableEntity, UnsupportedMediaType

from api.fields import EARLIEST
from domain.metadata import command_context

FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_HEADER = 200


def check_content_type() -> None:
    has_body = request.method in ("POST", "PUT", "PATCH") and request.content_length
    if has_body and not request.is_json and not request.path.startswith("/open311/"):
        raise UnsupportedMediaType("send JSON with 'Content-Type: application/json'")


def business_time() -> str | None:
    """`Occurred-At` header: when it happened (e.g. a grid worker's offline report)."""
    raw = request.headers.get("Occurred-At")
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise header_error("Occurred-At", "must be an ISO 8601 date-time") from None
    if when.tzinfo is None:
        raise header_error("Occurred-At", "needs a time zone offset, e.g. +08:00")
    if when > datetime.now(UTC) + FUTURE_TOLERANCE:
        raise header_error("Occurred-At", "is in the future")
    if when.date() < EARLIEST:
        raise header_error("Occurred-At", f"is before {EARLIEST}")
    return when.isoformat()


def _header(name: str) -> str | None:
    value = request.headers.get(name)
    if value is not None and (len(value) > MAX_HEADER or not value.strip()):
        raise header_error(name, f"must be 1 to {MAX_HEADER} characters")
    return value


def header_error(name: str, message: str) -> UnprocessableEntity:
    error = UnprocessableEntity(f"header {name} {message}")
    error.data = {"messages": {"headers": {name: [message]}}}  # type: ignore[attr-defined]
    return error


def open_command_context() -> None:
    """before_request: set the metadata every event of this request will carry."""
    who = g.get("principal")
    g.correlation_id = _header("X-Correlation-Id") or str(uuid.uuid4())
    g.idempotency_key = _header("Idempotency-Key")
    meta = {
        "actor_id": who.user_id if who else "anonymous",
        "role": who.role if who else "anonymous",
        "scope": who.scope if who else None,
        "occurred_at": business_time(),
        "correlation_id": g.correlation_id,
        "causation_id": _header("X-Causation-Id"),
        "idempotency_key": g.idempotency_key,
        "channel": _header("X-Channel") or "api",
    }
    g.command_context = command_context(**meta)
    g.command_context.__enter__()


def close_command_context(_exc: BaseException | None = None) -> None:
    ctx = g.pop("command_context", None)
    if ctx is not None:
        ctx.__exit__(None, None, None)
