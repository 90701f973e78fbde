"""Small date rules shared by the party-building areas."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.errors import RuleViolation
from domain.metadata import current_meta


def check_order(start: date, end: date | None, field: str) -> None:
    """`end` may be open (None) but never before `start`."""
    if end is not None and end < start:
        raise RuleViolation(f"{field} ({end}) is before the start ({start})", field=field)


def overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Do two inclusive date ranges (open ends allowed) overlap?"""
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def active_on(start: date, end: date | None, day: date) -> bool:
    """Is an inclusive range with an exclusive-after `end` active on `day`?"""
    return start <= day and (end is None or day <= end)


FUTURE_TOLERANCE_DAYS = 1


def not_in_future(on: date, field: str) -> date:
    """A recorded fact (meeting, membership change, dispatch) cannot be dated after the
    command's business time, beyond a tolerance of FUTURE_TOLERANCE_DAYS."""
    today = datetime.fromisoformat(current_meta()["occurred_at"]).date()
    if on > today + timedelta(days=FUTURE_TOLERANCE_DAYS):
        raise RuleViolation(f"{field} ({on}) is in the future", field=field)
    return on


def business_day() -> date:
    """The day, in Asia/Shanghai, of the command's business time."""
    moment = datetime.fromisoformat(current_meta()["occurred_at"])
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).date()
