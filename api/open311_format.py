"""Open311 answers in the format the URL names (`.json` or `.xml`), and the spec's errors:
an array of `{code, description}` (`<errors><error>…` in XML) with 403 for a missing or bad
api_key, 404 for what does not exist and 400 for any other refusal."""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from typing import Any

from flask import Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from api.problems import (
    DATABASE_UNAVAILABLE,
    DOMAIN_STATUS,
    database_unavailable,
    handle_http_exception,
)
from domain.errors import DomainError

log = logging.getLogger(__name__)

FORMATS = ("json", "xml")
FORMAT = "<any(json,xml):fmt>"  # the URL rule segment that picks the format
MIME = {"json": "application/json", "xml": "text/xml"}
ITEM = {  # the element of one item in each list (the Spark convention run backwards)
    "services": "service",
    "attributes": "attribute",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
# What XML 1.0 cannot hold (and JSON cannot encode as UTF-8): shown as U+FFFD instead.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_KEPT = (403, 404, 405, 413, 414, 429, 431)  # every other refusal is the spec's 400


def answer(root: str, body: Any, fmt: str, status: int = 200) -> Response:
    """`body` as JSON, or as XML under the element `root`."""
    if fmt == "xml":
        element = ET.Element(root)
        _fill(element, body)
        text = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, "unicode")
    else:
        text = json.dumps(body, ensure_ascii=False)
    return Response(text, status=status, content_type=f"{MIME[fmt]}; charset=utf-8")


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM[element.tag]), item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = writable(str(value))


def writable(text: str) -> str:
    return _UNWRITABLE.sub("\ufffd", text)


def refusal(
    status: int, descriptions: list[str], headers: dict[str, str] | None = None
) -> Response:
    """The spec's error array, in the format of the requested URL (JSON unless `.xml`)."""
    fmt = "xml" if request.path.endswith(".xml") else "json"
    body = [{"code": status, "description": writable(d)} for d in descriptions]
    response = answer("errors", body, fmt, status)
    response.headers.update(headers or {})
    return response


def spec_status(status: int) -> int:
    if status == 401:
        return 403
    return status if status in _KEPT or status >= 500 else 400


def on_http_error(error: HTTPException) -> Response | HTTPException:
    if (error.code or 500) < 400:
        return error
    status = spec_status(error.code or 500)
    data = getattr(error, "data", None) or {}
    descriptions = _field_messages(data.get("messages"))
    if not descriptions:
        descriptions = [error.description if isinstance(error.description, str) else error.name]
    headers = dict(data.get("headers") or {})
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return refusal(status, descriptions, headers)


def on_domain_error(error: DomainError) -> Response:
    status = next((DOMAIN_STATUS[k] for k in type(error).__mro__ if k in DOMAIN_STATUS), 422)
    prefix = f"{error.field}: " if error.field else ""
    return refusal(spec_status(status), [prefix + error.message])


def on_unexpected(error: Exception) -> Response | HTTPException:
    if isinstance(error, DATABASE_UNAVAILABLE):
        return on_http_error(database_unavailable(error))
    log.exception("unexpected error in Open311")
    return refusal(500, ["an unexpected error occurred; it was logged"])


def _field_messages(messages: Any) -> list[str]:
    """webargs nests messages by location ({"query": {"status": [...]}}): one line a field."""
    if not isinstance(messages, dict):
        return []
    lines = []
    for fields in messages.values():
        for name, said in fields.items() if isinstance(fields, dict) else [("request", fields)]:
            text = " ".join(map(str, said)) if isinstance(said, list) else str(said)
            lines.append(f"{name}: {text}")
    return lines


def refusal_by_path(error: HTTPException) -> Response | HTTPException:
    """The app-wide answer to an HTTP error, which blueprint handlers never see when no
    route matched (404, 405) or a check before routing refused (headers, limits, token):
    the spec's answer under /open311, problem+json elsewhere."""
    if request.path.startswith("/open311/"):
        return on_http_error(error)
    return handle_http_exception(error)


def xml_alternative(schema_name: str) -> dict[str, Any]:
    """OpenAPI: the answer is also served as text/xml when the URL ends in `.xml`."""
    return {"text/xml": {"schema": {"type": "string", "description": f"{schema_name} as XML"}}}
