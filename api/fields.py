"""The field types for text: every string the API reads is one of these, so text that a
store or view cannot hold (NUL, a lone surrogate) is refused with 422 naming the field."""

from __future__ import annotations

from typing import Any

from marshmallow import fields
from werkzeug.routing import UnicodeConverter, ValidationError

from domain.text import unstorable_char

MAX_TEXT = 2000  # no text field of the API is longer (descriptions and resolutions)


class Text(fields.String):
    """A string of at most MAX_TEXT characters, none of them unstorable."""

    default_error_messages = {
        "unstorable": "contains {char}, which cannot be stored",
        "too_long": f"longer than {MAX_TEXT} characters",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        char = unstorable_char(text)
        if char is not None:
            raise self.make_error("unstorable", char=f"U+{ord(char):04X}")
        if len(text) > MAX_TEXT:
            raise self.make_error("too_long")
        return text


class Email(Text, fields.Email):
    """An e-mail address (Text)."""


class Url(Text, fields.Url):
    """A URL (Text)."""


class StorableSegment(UnicodeConverter):
    """A text segment of a path: one holding an unstorable character matches no route."""

    def to_python(self, value: str) -> str:
        if unstorable_char(value) is not None:
            raise ValidationError()
        return value
