"""Schemas shared by every area: reads, paging, command results."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema, fields, validate

# What a route hands flask-smorest to serialise through its response schema, or a finished
# Response (with ETag, Location, status of its own).
Answer = Response | dict[str, Any] | list[dict[str, Any]]

MAX_POSITION = 2**63 - 1  # a log position is a 64-bit integer
MAX_PAGE = 100_000
MAX_PER_PAGE = 500


class ReadArgs(Schema):
    min_position = fields.Integer(
        validate=validate.Range(min=0, max=MAX_POSITION),
        metadata={
            "description": "Wait (bounded) until the read model has reached this log "
            "position (returned by every command). 409 if it does not in time."
        },
    )


class Paging(Schema):
    """Mixed into a list's query arguments (`class XArgs(Paging, ReadArgs)`)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageArgs(Paging, ReadArgs):
    pass


class CommandResultSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    position = fields.Integer(
        required=True, metadata={"description": "log position; pass as min_position to read it"}
    )


class PageSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


def page_body(items: list[Any], total: int, args: dict[str, Any]) -> dict[str, Any]:
    return {"items": items, "page": args["page"], "per_page": args["per_page"], "total": total}


def take_paging(args: dict[str, Any]) -> dict[str, Any]:
    """Remove `page` and `per_page` from the query arguments (the rest are filters)."""
    return {"page": args.pop("page"), "per_page": args.pop("per_page")}


def page_of(items: list[Any], paging: dict[str, Any], **extra: object) -> dict[str, Any]:
    """One page of a read model's list, in the envelope every list answers."""
    start = (paging["page"] - 1) * paging["per_page"]
    return {**extra, **page_body(items[start : start + paging["per_page"]], len(items), paging)}
