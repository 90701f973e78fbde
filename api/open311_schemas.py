"""The Open311 arguments (query and form) and answers, in the spec's field names."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from api.fields import BusinessDateTime, Email, Text, Url
from domain.issue_catalog import CATEGORIES, MAX_DESCRIPTION

MAX_REQUEST_IDS = 50
MAX_RANGE = timedelta(days=90)  # the spec: a date range "may not span more than 90 days"
MAX_PAGE_SIZE = 1000  # the spec's "first 1000 requests"; the rest is on the next pages
MAX_PAGE = 100_000
STATUSES = ("open", "closed")


class CommaList(Text):
    """A comma-separated list (the spec's "can be declared multiple times, comma
    delimited"), read as the distinct values in order; an empty value is no filter."""

    def __init__(self, *, most: int, choices: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.most = most
        self.choices = choices

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        items = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
        if len(items) > self.most:
            raise ValidationError(f"at most {self.most} values")
        unknown = [item for item in items if self.choices and item not in self.choices]
        if unknown:
            raise ValidationError(f"unknown {', '.join(unknown)}; one of {', '.join(self.choices)}")
        return items


class SpecArgs(Schema):
    """What every Open311 call may carry: the jurisdiction (checked before the view) and an
    api_key (needed only to post; ignored on the public reads)."""

    jurisdiction_id = Text(load_default=None, validate=validate.Length(max=200))
    api_key = Text(load_default=None)


class ListRequests(SpecArgs):
    service_request_id = CommaList(
        most=MAX_REQUEST_IDS,
        load_default=list,
        metadata={"description": f"comma-separated, at most {MAX_REQUEST_IDS}; overrides the rest"},
    )
    service_code = CommaList(
        most=len(CATEGORIES),
        choices=tuple(CATEGORIES),
        load_default=list,
        metadata={"description": "comma-separated service codes"},
    )
    status = CommaList(
        most=len(STATUSES),
        choices=STATUSES,
        load_default=list,
        metadata={"description": "comma-separated: open, closed"},
    )
    start_date = BusinessDateTime(load_default=None)
    end_date = BusinessDateTime(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(
        load_default=MAX_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("start_date"), data.get("end_date")
        if start is None or end is None:
            return
        if end < start:
            raise ValidationError("must not be before start_date", "end_date")
        if end - start > MAX_RANGE:
            raise ValidationError(f"at most {MAX_RANGE.days} days after start_date", "end_date")


class PostRequest(Schema):
    class Meta:
        unknown = EXCLUDE  # attribute[...] of other services, and the spec's unused fields

    jurisdiction_id = Text(load_default=None, validate=validate.Length(max=200))
    api_key = Text(load_default=None)
    service_code = Text(required=True, validate=validate.Length(min=1, max=50))
    description = Text(required=True, validate=validate.Length(min=1, max=MAX_DESCRIPTION))
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    long = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    address_string = Text(load_default=None, validate=validate.Length(max=200))
    address_id = fields.UUID(load_default=None, metadata={"description": "a compound id"})
    compound_id = fields.UUID(load_default=None, data_key="attribute[compound_id]")
    grid_id = fields.UUID(load_default=None, data_key="attribute[grid_id]")
    building = Text(
        load_default=None, data_key="attribute[building]", validate=validate.Length(max=50)
    )
    email = Email(load_default=None)
    phone = Text(load_default=None, validate=validate.Length(min=3, max=40))
    account_id = Text(load_default=None, validate=validate.Length(min=1, max=64))
    device_id = Text(load_default=None, validate=validate.Length(max=100))
    first_name = Text(load_default=None, validate=validate.Length(max=50))
    last_name = Text(load_default=None, validate=validate.Length(max=50))
    media_url = Url(load_default=None)


class ServiceSchema(Schema):
    service_code = Text()
    service_name = Text()
    description = Text()
    metadata = fields.Boolean()
    type = Text()
    keywords = Text()
    group = Text()


class AttributeSchema(Schema):
    variable = fields.Boolean()
    code = Text()
    datatype = Text()
    required = fields.Boolean()
    datatype_description = Text()
    order = fields.Integer()
    description = Text()


class ServiceDefinitionSchema(Schema):
    service_code = Text()
    attributes = fields.List(fields.Nested(AttributeSchema))


class RequestSchema(Schema):
    service_request_id = Text()
    status = Text(validate=validate.OneOf(STATUSES))
    status_notes = Text()
    service_name = Text()
    service_code = Text()
    description = Text(
        allow_none=True, metadata={"description": "withheld (null): free text may name people"}
    )
    agency_responsible = Text(allow_none=True)
    service_notice = Text(allow_none=True)
    requested_datetime = Text()
    updated_datetime = Text()
    expected_datetime = Text(allow_none=True)
    address = Text(allow_none=True)
    address_id = Text()
    zipcode = Text(allow_none=True)
    lat = fields.Float(allow_none=True)
    long = fields.Float(allow_none=True)
    media_url = Text(allow_none=True)


class CreatedSchema(Schema):
    service_request_id = Text()
    service_notice = Text()
    account_id = Text()


class SpecErrorSchema(Schema):
    code = fields.Integer()
    description = Text()


class EndpointSchema(Schema):
    specification = Text()
    url = Text()
    changeset = Text()
    type = Text()
    formats = fields.List(Text())


class DiscoverySchema(Schema):
    changeset = Text()
    contact = Text()
    key_service = Text()
    endpoints = fields.List(fields.Nested(EndpointSchema))
