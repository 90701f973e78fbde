"""`refused`: expect a refusal by one named rule, not just by any error of a class."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from domain.errors import DomainError


@contextmanager
def refused(
    kind: type[DomainError], match: str, *, field: str | None = None
) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """The block raises `kind` with a message that starts with a match of `match` (a regex)
    and names `field` (None: the error names no field)."""
    with pytest.raises(kind, match=f"^(?:{match})") as caught:
        yield caught
    assert caught.value.field == field, f"refused on {caught.value.field!r}, not {field!r}"
