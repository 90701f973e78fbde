"""Text every store and view can hold: no NUL (PostgreSQL text refuses it) and no lone
surrogate (it has no UTF-8 encoding). Any other Unicode is kept as it is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from domain.errors import UnstorableText

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_CONTAINERS = (dict, list, tuple, set, frozenset)


def unstorable_char(text: str) -> str | None:
    """The first character of `text` that cannot be stored, or None."""
    match = UNSTORABLE.search(text)
    return match.group() if match else None


def check_storable(values: Mapping[str, Any]) -> None:
    """Refuse (UnstorableText, naming the key) any value whose text, searched through
    lists and dicts, holds a character that cannot be stored."""
    if unstorable_char("".join(_texts(values.values()))) is None:
        return
    for name, value in values.items():
        char = unstorable_char("".join(_texts([value])))
        if char is not None:
            raise UnstorableText(name, char)


def _texts(values: Iterable[Any]) -> list[str]:
    """Every string in `values`, dict keys included, at any depth."""
    texts, pending = [], list(values)
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, _CONTAINERS):
            pending.extend(value)
            if isinstance(value, dict):
                pending.extend(value.values())
    return texts
