"""Limits on what a request carries, checked before anything parses it (before_request):
header sizes, query-string length, and a JSON body's encoding, depth and number lengths. The body's size is
Flask's MAX_CONTENT_LENGTH (413). Each refusal is a 4xx problem+json naming what was over."""

from __future__ import annotations

import re

from flask import request
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
)

MAX_HEADER_BYTES = 8190  # one header line, as gunicorn's default limit_request_field_size
MAX_HEADERS_BYTES = 32 * 1024  # every header together
MAX_QUERY_BYTES = 4096  # about gunicorn's default limit_request_line
MAX_JSON_DEPTH = 32  # the deepest body the API takes is 3 levels
MAX_NUMBER_DIGITS = 100  # Python refuses to parse an integer of more than 4300 digits

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # HTTP allows no control but tab in a value
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(rb"[\[\]{}]")
_LONG_NUMBER = re.compile(rb"[0-9]{%d,}" % (MAX_NUMBER_DIGITS + 1))


def check_request_limits() -> None:
    _check_headers()
    if len(request.query_string) > MAX_QUERY_BYTES:
        raise RequestURITooLarge(f"the query string is longer than {MAX_QUERY_BYTES} bytes")
    if request.is_json:  # chunked bodies too: they have no Content-Length
        _check_json(request.get_data(cache=True))


def _check_headers() -> None:
    total = 0
    for name, value in request.headers.items():
        size = len(name) + 2 + len(value)
        total += size
        if size > MAX_HEADER_BYTES:
            message = f"is longer than {MAX_HEADER_BYTES} bytes"
            raise _naming(RequestHeaderFieldsTooLarge, name, message)
        if _CONTROL.search(value):
            raise _naming(BadRequest, name, "holds a control character")
    if total > MAX_HEADERS_BYTES:
        raise RequestHeaderFieldsTooLarge(f"the headers are over {MAX_HEADERS_BYTES} bytes")


def _check_json(body: bytes) -> None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8") from None
    outside_strings = _STRING.sub(b"", body)
    if _nested_deeper_than(outside_strings, MAX_JSON_DEPTH):
        raise BadRequest(f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
    if _LONG_NUMBER.search(outside_strings):
        raise BadRequest(f"a number in the JSON body has more than {MAX_NUMBER_DIGITS} digits")


def _nested_deeper_than(json: bytes, limit: int) -> bool:
    if json.count(b"[") + json.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.findall(json):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            return True
    return False


def _naming(kind: type[HTTPException], header: str, message: str) -> HTTPException:
    error = kind(f"header {header} {message}")
    error.data = {"messages": {"headers": {header: [message]}}}  # type: ignore[attr-defined]
    return error
