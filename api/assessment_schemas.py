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
    version = fields.Integer(metadata={"description": "the definition's version"})
    ref = Text(metadata={"description": "code@version, as scorecard lines name it"})


class IndicatorPage(PageSchema):
    items = fields.List(fields.Nested(IndicatorSchema))


class SchemeVersionSchema(Schema):
    scheme_id = Text()
    version = fields.Integer()
    code = Text()
    name = Text()
    effective_from = Text()
    note = Text(allow_none=True)
    override_reason = Text(allow_none=True)
    definition = fields.Dict(metadata={"description": "subjects, indicators and bands"})
    position = fields.Integer()


class SchemeVersionPage(PageSchema):
    items = fields.List(fields.Nested(SchemeVersionSchema))


class SchemeSchema(Schema):
    id = Text()
    code = Text()
    name = Text()
    version = fields.Integer(metadata={"description": "the latest version (the ETag)"})
    versions = fields.List(
        fields.Nested(SchemeVersionSchema), metadata={"description": "oldest first"}
    )


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


def _number(**kw: object) -> fields.Raw:
    """A number dumped as it is (an int stays an int)."""
    return fields.Raw(metadata={"type": "number"}, **kw)  # type: ignore[arg-type]


class RevisionHeader(Schema):
    key = Text()
    revision = fields.Integer()
    state = Text()
    reason = Text(allow_none=True)
    scheme_version = fields.Integer(allow_none=True)
    facts_position = fields.Integer(allow_none=True)
    published_at = Text(allow_none=True)
    recorded_at = Text(allow_none=True)


class RevisionSchema(RevisionHeader):
    period_id = Text()
    reviewer = Text(allow_none=True)
    position = fields.Integer()


class PeriodDetailSchema(PeriodSchema):
    revisions = fields.List(fields.Nested(RevisionSchema))


class LineSchema(Schema):
    subject_kind = Text()
    subject_id = Text()
    indicator = Text()
    definition = Text(
        allow_none=True,
        metadata={"description": "the figure definition used, code@version (null: version 1)"},
    )
    label = Text()
    numerator = _number()
    denominator = _number()
    value = _number(allow_none=True)
    score = _number(allow_none=True)  # null: no data, excluded by the scheme
    weight = _number()
    weighted = _number()
    no_data = fields.Boolean(metadata={"description": "the line has no data"})
    positions = fields.List(
        fields.Integer(), metadata={"description": "log positions of the source events"}
    )


class CardSchema(Schema):
    subject_kind = Text()
    subject_id = Text()
    subject_name = Text()
    total = _number()
    grade = Text()
    rank = fields.Integer()
    lines = fields.List(fields.Nested(LineSchema))


class ScorecardSchema(RevisionHeader, CardSchema):
    published = fields.Boolean()


class RankingRowSchema(Schema):
    subject_kind = Text()
    subject_id = Text()
    subject_name = Text()
    total = _number()
    grade = Text()
    rank = fields.Integer()
    result_sent_position = fields.Integer(allow_none=True)


class RankingPage(PageSchema, RevisionHeader):
    subject_kind = Text()
    items = fields.List(fields.Nested(RankingRowSchema))


class LineEventSchema(Schema):
    position = fields.Integer()
    topic = Text()
    originator_id = Text()
    originator_version = fields.Integer()
    occurred_at = Text()
    facts = fields.Dict(keys=Text(), values=_number())


class LineEventPage(PageSchema):
    indicator = Text()
    items = fields.List(fields.Nested(LineEventSchema))


class TrendRowSchema(Schema):
    key = Text()
    start = Text()
    revision = fields.Integer()
    total = _number()
    grade = Text()
    rank = fields.Integer()
    subject_name = Text()


class TrendPage(PageSchema):
    items = fields.List(fields.Nested(TrendRowSchema))


class WhatIfSchema(Schema):
    period = Text()
    scheme_id = Text()
    scheme_version = fields.Integer()
    facts_position = fields.Integer()
    cards = fields.List(fields.Nested(CardSchema))
