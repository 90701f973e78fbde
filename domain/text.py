"""Text every store and view can hold: no NUL (PostgreSQL text refuses it) and no lone
surrogate (it has no UTF-8 encoding). Any other Unicode is kept as it is."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from domain.errors import UnstorableText

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_char(text: str) -> str | None:
    """The first character of `text` that cannot be stored, or None."""
    match = UNSTORABLE.search(text)
    return match.group() if match else None


def check_storable(values: Mapping[str, Any]) -> None:
    """Refuse (UnstorableText, naming the key) any value whose text, searched through
    lists and dicts, holds a character that cannot be stored."""
    for name, value in values.items():
        char = _first_unstorable(value)
        if char is not None:
            raise UnstorableText(name, char)


def _first_unstorable(value: Any) -> str | None:
    if isinstance(value, str):
        return unstorable_char(value)
    if isinstance(value, Mapping):
        items: Any = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    else:
        return None
    for item in items:
        char = _first_unstorable(item)
        if char is not None:
            return char
    return None
