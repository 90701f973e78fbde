"""The base aggregate: every event carries the command metadata."""

from __future__ import annotations

from dataclasses import field
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import RuleViolation, VersionMismatch
from domain.metadata import current_meta
from domain.text import check_storable

ID_NAMESPACE = uuid5(NAMESPACE_URL, "https://tianqiao.jinan.gov.cn/red-property")

T = TypeVar("T", bound="LedgerAggregate")


def natural_id(kind: str, *key: object) -> UUID:
    """Deterministic id of an aggregate from its natural key (uuid5)."""
    return uuid5(ID_NAMESPACE, "/".join([kind, *(str(k).strip().upper() for k in key)]))


# If-Match: None accepts any version; a set accepts any of its versions (none when empty).
ExpectedVersion = int | frozenset[int] | None


class LedgerAggregate(Aggregate):
    class Event(Aggregate.Event):
        meta: dict[str, Any] = field(default_factory=current_meta, kw_only=True)

        def __post_init__(self) -> None:
            super().__post_init__()
            check_storable(self.__dict__)  # nothing enters the log that a view cannot hold

    def check_version(self, expected: ExpectedVersion) -> None:
        if expected is None:
            return
        allowed = {expected} if isinstance(expected, int) else expected
        if self.version not in allowed:
            raise VersionMismatch(expected, self.version)


def require_text(value: str, field_name: str, *, max_len: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise RuleViolation(f"{field_name} must not be empty", field=field_name)
    if len(text) > max_len:
        raise RuleViolation(f"{field_name} is longer than {max_len} characters", field=field_name)
    return text
