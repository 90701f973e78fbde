"""application/problem+json for every error (RFC 9457), with field-level messages."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from eventsourcing import persistence
from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from domain import errors

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
# the database cannot take a request now (its write lock held past the wait, unreachable)
DATABASE_UNAVAILABLE = (persistence.OperationalError, sqlalchemy.exc.OperationalError)

DOMAIN_STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.AlreadyExists: 409,
    errors.Conflict: 409,
    errors.VersionMismatch: 412,
    errors.InvalidTransition: 409,
    errors.RuleViolation: 422,
    errors.NotPermitted: 403,
    errors.IdempotencyKeyReused: 422,
}


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    code: str | None = None,
    errors_: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if code:
        body["code"] = code
    if errors_:
        body["errors"] = errors_
    response = Response(_json_text(body), status=status, mimetype=PROBLEM)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _json_text(body: dict[str, Any]) -> str:
    """UTF-8 where it can be; a lone surrogate echoed from the request stays a \\u escape."""
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:
        return json.dumps(body, ensure_ascii=True)
    return text


def _status_for(error: errors.DomainError) -> int:
    for klass in type(error).__mro__:
        if klass in DOMAIN_STATUS:
            return DOMAIN_STATUS[klass]
    return 422


def _field_errors(messages: Any) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {"name": [...]}}); flatten one level."""
    if not isinstance(messages, dict):
        return {"_request": messages}
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[f"_{location}"] = fields
    return flat


def handle_domain_error(error: errors.DomainError) -> Response:
    status = _status_for(error)
    field_errors = {error.field: [error.message]} if error.field else None
    return problem(
        status, type(error).__name__, error.message, code=error.code, errors_=field_errors
    )


def handle_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    field_errors = _field_errors(messages) if messages else None
    detail = error.description if isinstance(error.description, str) else None
    if field_errors and error.code in (400, 422):
        detail = "the request has invalid fields"
    headers = dict(data.get("headers") or {})
    response = problem(error.code or 500, error.name, detail, errors_=field_errors, headers=headers)
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="redprop"'
    return response


def database_unavailable(error: Exception) -> ServiceUnavailable:
    """The database cannot take the request now (its write lock held past the wait, the
    server unreachable): nothing was stored, and the client may send it again. Answered
    as any HTTP error (`refusal_by_path`: Open311's shape under /open311)."""
    log.warning("database unavailable: %s", error)
    refusal = ServiceUnavailable(
        "the database cannot take this request now; nothing was stored: send it again soon"
    )
    refusal.data = {"headers": {"Retry-After": "1"}}  # type: ignore[attr-defined]
    return refusal


def handle_unexpected(error: Exception) -> Response:
    log.exception("unexpected error")
    return problem(500, "Internal Server Error", "an unexpected error occurred; it was logged")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(errors.DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
