"""Response schemas of the assessment ledger's lists: indicators, scheme versions, periods."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.fields import Text
from api.schemas import PageSchema


class IndicatorSchema(Schema):
    code = Text()
    label = Text()
    unit = Text()
    subjects = fields.List(Text())
    facts = fields.List(Text())
    definition = Text(metadata={"description": "the indicator's definition of record"})


class IndicatorPage(PageSchema):
    items = fields.List(fields.Nested(IndicatorSchema))


class SchemeVersionSchema(Schema):
    scheme_id = Text()
    version = fields.Integer()
    code = Text()
    name = Text()
    effective_from = Text()
    note = Text(allow_none=True)
    definition = fields.Dict(metadata={"description": "subjects, indicators and bands"})
    position = fields.Integer()


class SchemeVersionPage(PageSchema):
    items = fields.List(fields.Nested(SchemeVersionSchema))


class PeriodSchema(Schema):
    id = Text()
    key = Text()
    kind = Text()
    start = Text()
    end = Text()
    scheme_id = Text()
    revision = fields.Integer()
    state = Text()
    version = fields.Integer()
    position = fields.Integer()


class PeriodPage(PageSchema):
    items = fields.List(fields.Nested(PeriodSchema))
