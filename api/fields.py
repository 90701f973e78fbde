"""The field types for text, dates and money: every string, date and amount the API reads
is one of these. Text that a store or view cannot hold (NUL, a lone surrogate) is refused with 422 naming the
field; a date outside 1900..2100 too, so no date arithmetic (Shanghai time, the next day,
a period's buckets) can overflow, in a request or in a projection later."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError as FieldError
from marshmallow import fields, validate
from werkzeug.routing import UnicodeConverter, ValidationError

from domain.subsidy_policy import MAX_FEN
from domain.text import unstorable_char

MAX_TEXT = 2000  # no text field of the API is longer (descriptions and resolutions)
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
_BOUNDS = f"must be between {EARLIEST} and {LATEST}"


class Text(fields.String):
    """A string with no unstorable character, of at most MAX_TEXT characters unless the
    field sets its own Length."""

    default_error_messages = {"unstorable": "contains {char}, which cannot be stored"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not any(isinstance(v, validate.Length) for v in self.validators):
            self.validators.append(validate.Length(max=MAX_TEXT))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        char = unstorable_char(text)
        if char is not None:
            raise self.make_error("unstorable", char=f"U+{ord(char):04X}")
        return text


class Fen(fields.Integer):
    """An amount of money in integer fen (100 fen = 1 yuan; 500000 is 5,000 yuan) as a JSON
    integer, from 1 to MAX_FEN. Text ("5"), fractions (12.5, 5.0) and booleans are refused: a
    client that sends money any other way has a bug the ledger should not paper over."""

    default_error_messages = {"not_fen": "must be a JSON integer of fen, not {kind}"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)
        self.validators.append(validate.Range(min=1, max=MAX_FEN))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("not_fen", kind=type(value).__name__)
        return super()._deserialize(value, attr, data, **kwargs)


class Email(Text, fields.Email):
    """An e-mail address (Text)."""


class Url(Text, fields.Url):
    """A URL (Text)."""


class BusinessDate(fields.Date):
    """A date (YYYY-MM-DD) between EARLIEST and LATEST."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(validate.Range(min=EARLIEST, max=LATEST, error=_BOUNDS))


class BusinessDateTime(fields.AwareDateTime):
    """A date-time with a time-zone offset, on a day (as written) between EARLIEST and LATEST."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(_on_a_business_day)


def _on_a_business_day(value: datetime) -> None:
    if not EARLIEST <= value.date() <= LATEST:
        raise FieldError(_BOUNDS)


class StorableSegment(UnicodeConverter):
    """A text segment of a path: one holding an unstorable character matches no route."""

    def to_python(self, value: str) -> str:
        if unstorable_char(value) is not None:
            raise ValidationError()
        return value
