"""Text every store and view can hold: no NUL (PostgreSQL text refuses it) and no lone
surrogate (it has no UTF-8 encoding). Any other Unicode is kept as it is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.errors import UnstorableText

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_CONTAINERS = (dict, list, tuple, set, frozenset)
# Exact types that hold no text: skipped without the isinstance checks (every event's
# fields pass through here once, so this is on every command's path).
_NO_TEXT = frozenset({int, float, bool, type(None), bytes, UUID, datetime, date, time, Decimal})
_SEQUENCES = frozenset({list, tuple, set, frozenset})


def unstorable_char(text: str) -> str | None:
    """The first character of `text` that cannot be stored, or None."""
    match = UNSTORABLE.search(text)
    return match.group() if match else None


def storable(text: str) -> bool:
    """Whether `text` holds no character that cannot be stored: the same answer as
    `unstorable_char(text) is None`, found faster (UTF-8 refuses exactly the surrogates)."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def check_storable(values: Mapping[str, Any]) -> None:
    """Refuse (UnstorableText, naming the key) any value whose text, searched through
    lists and dicts, holds a character that cannot be stored."""
    if storable("".join(_texts(values.values()))):
        return
    for name, value in values.items():
        char = unstorable_char("".join(_texts([value])))
        if char is not None:
            raise UnstorableText(name, char)


def _texts(values: Iterable[Any]) -> list[str]:
    """Every string in `values`, dict keys included, at any depth."""
    texts: list[str] = []
    pending = list(values)
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is str:
            texts.append(value)
        elif kind in _NO_TEXT:
            continue
        elif kind is dict:
            pending.extend(value)
            pending.extend(value.values())
        elif kind in _SEQUENCES:
            pending.extend(value)
        elif isinstance(value, str):  # subclasses (e.g. StrEnum members)
            texts.append(value)
        elif isinstance(value, _CONTAINERS):
            pending.extend(value)
            if isinstance(value, dict):
                pending.extend(value.values())
    return texts
