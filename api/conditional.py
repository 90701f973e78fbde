"""Conditional requests (RFC 9110 §13): If-Match on commands, ETag and If-None-Match on reads.

An entity tag is `"<version>"` of the aggregate. If-Match uses the strong comparison, so a
weak tag (`W/"3"`) never matches; If-None-Match uses the weak comparison.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, jsonify, request

from api.request_context import header_error
from domain.base import ExpectedVersion

ANY = "*"
ENTITY_TAG = re.compile(r'\s*(W/)?"([0-9]{1,18})"\s*')
TAG_MESSAGE = 'must be "*" or entity tags of the resource, e.g. "3" or "3", "4"'


def entity_tags(name: str) -> str | list[tuple[bool, int]] | None:
    """The header's `*`, or its list of (weak, version); None when absent."""
    raw = request.headers.get(name)
    if raw is None:
        return None
    if raw.strip() == ANY:
        return ANY
    tags = []
    for member in raw.split(","):
        found = ENTITY_TAG.fullmatch(member)
        if not found:
            raise header_error(name, TAG_MESSAGE)
        tags.append((found.group(1) is not None, int(found.group(2))))
    return tags


def expected_version() -> ExpectedVersion:
    """What If-Match asks of the aggregate's version: None (anything, `*` included) or the
    versions its strong tags name (an empty set, matched by nothing, when all are weak)."""
    tags = entity_tags("If-Match")
    if tags is None or isinstance(tags, str):
        return None
    strong = frozenset(version for weak, version in tags if not weak)
    if len(strong) == 1:
        return next(iter(strong))
    return strong


def not_modified(version: int) -> bool:
    """Whether If-None-Match names this version (weak comparison) or is `*`."""
    tags = entity_tags("If-None-Match")
    if tags is None:
        return False
    return isinstance(tags, str) or any(tag == version for _, tag in tags)


def with_etag(body: dict[str, Any]) -> Response:
    """A single resource with its ETag; 304 and no body when the caller already has it.
    A body without a version is answered without an ETag."""
    if body.get("version") is None:
        return jsonify(body)
    etag = f'"{body["version"]}"'
    response = Response(status=304) if not_modified(body["version"]) else jsonify(body)
    response.headers["ETag"] = etag
    return response
