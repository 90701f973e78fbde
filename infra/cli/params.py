"""Click parameter types that validate CLI input with the API's own fields, so a month,
date, year or period the API refuses is refused here with the same message (exit 2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from marshmallow import ValidationError, fields

from api.assessment import PERIOD_KEY
from api.issue_reports import MONTH as API_MONTH
from api.party_coverage import YearArgs
from api.party_scope import AsOfArgs
from domain.sla import SHANGHAI


class FieldParam(click.ParamType):
    """A click type that deserialises with one marshmallow field."""

    def __init__(self, name: str, field: fields.Field[Any]) -> None:
        self.name = name
        self.field = field

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value  # a default already converted
        try:
            return self.field.deserialize(value)
        except ValidationError as error:
            self.fail(_first_message(error), param, ctx)


class BusinessMoment(FieldParam):
    """An ISO date-time; a naive one is Asia/Shanghai business time."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        moment = super().convert(value, param, ctx)
        if isinstance(moment, datetime) and moment.tzinfo is None:
            return moment.replace(tzinfo=SHANGHAI)
        return moment


def _first_message(error: ValidationError) -> str:
    messages = error.messages
    if isinstance(messages, list) and messages:
        return str(messages[0])
    return str(messages)


def check_month_range(month_from: str | None, month_to: str | None) -> None:
    """`--from` must not be after `--to` (both YYYY-MM, so they compare as months)."""
    if month_from and month_to and month_from > month_to:
        raise click.BadParameter(f"'--from' ({month_from}) is after '--to' ({month_to})")


MONTH = FieldParam("YYYY-MM", fields.String(validate=API_MONTH))
DAY = FieldParam("YYYY-MM-DD", AsOfArgs().fields["as_of"])
YEAR = FieldParam("YEAR", YearArgs().fields["year"])
PERIOD = FieldParam("PERIOD", fields.String(validate=PERIOD_KEY))
MOMENT = BusinessMoment("DATETIME", fields.DateTime())
