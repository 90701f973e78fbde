"""Which rows were in force on a day: begun on or before it, not yet ended by it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_


def in_force_on(start: Any, end: Any, day: str) -> Any:
    """SQL condition: `start` on or before `day` (ISO dates), `end` unset or after it."""
    return and_(start <= day, or_(end.is_(None), end > day))
