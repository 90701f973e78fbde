"""The field types for text and dates: every string and date the API reads is one of these.
Text that a store or view cannot hold (NUL, a lone surrogate) is refused with 422 naming the
field; a date outside 1900..2100 too, so no date arithmetic (Shanghai time, the next day,
a period's buckets) can overflow, in a request or in a projection later."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError as FieldError
from marshmallow import fields, validate
from werkzeug.routing import UnicodeConverter, ValidationError

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


class Money(fields.Decimal):
    """An amount of money as a JSON number (12.5 or 5000). Text such as "5" is refused: a
    client that sends money as text has a bug the ledger should not paper over."""

    default_error_messages = {"not_a_number": "must be a JSON number, not {kind}"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("not_a_number", kind=type(value).__name__)
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
