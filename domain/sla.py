"""SLA policies for the grid closed loop, versioned as events (R9, R15).

A policy is one aggregate, `SlaPolicy` (normally the district's, named "default"). Each
version is a list of rules: category ("*" = any), priority ("*" = any), and minutes
allowed to accept, to handle (from acceptance or reopening) and to collect feedback
(from handling). The most specific rule wins: category+priority, category, priority, any.

Events: ``SlaPolicy.Defined`` (name, rules, effective_from) and ``SlaPolicy.Revised``
(rules, effective_from). The version in force at a business time is the latest one
whose effective_from is not after it, so past deadlines never change.

Deadlines are computed in Asia/Shanghai business time: an allowance under one day is
added to the start time as is; an allowance of one day or more ends at 24:00 of the
last local calendar day (e.g. "3 days" from 2020-03-01 10:00 ends 2020-04-04 00:00+08).

The rapid-response profile ``RAPID_5651`` (Dikou Road's "5651" mechanism for parking,
noise and objects thrown from height) is our reading: accept within 5 minutes, handle
within 60 minutes, feedback within 1 day. The seed report does not spell the digits out.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from math import ceil
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import RuleViolation
from domain.issue_catalog import CATEGORIES, PRIORITIES, RAPID_CATEGORIES

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = 24 * 60
MAX_SLA_DAYS = 90  # no deadline of the policy is longer
STAGE_KEYS = ("accept_minutes", "handle_minutes", "feedback_minutes")

STANDARD_RULES: list[dict[str, Any]] = [
    {"category": "*", "priority": "*", "accept_minutes": 240, "handle_minutes": 3 * DAY,
     "feedback_minutes": 3 * DAY},
    {"category": "*", "priority": "urgent", "accept_minutes": 30, "handle_minutes": DAY,
     "feedback_minutes": 2 * DAY},
    {"category": "heating", "priority": "*", "accept_minutes": 120, "handle_minutes": 2 * DAY,
     "feedback_minutes": 3 * DAY},
]  # fmt: skip
RAPID_5651: list[dict[str, Any]] = [
    {"category": c, "priority": "*", "accept_minutes": 5, "handle_minutes": 60,
     "feedback_minutes": DAY}
    for c in RAPID_CATEGORIES
]  # fmt: skip
DEFAULT_RULES = STANDARD_RULES + RAPID_5651


def deadline(start: datetime, minutes: int) -> datetime:
    """The deadline `minutes` after `start`, in Asia/Shanghai business time."""
    local = start.astimezone(SHANGHAI)
    if minutes < DAY:
        return local + timedelta(minutes=minutes)
    last_day = local.date() + timedelta(days=ceil(minutes / DAY))
    return datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=SHANGHAI)


def check_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rules:
        raise RuleViolation("a policy needs at least one rule", field="rules")
    seen = set()
    cleaned = []
    for rule in rules:
        category, priority = rule.get("category", "*"), rule.get("priority", "*")
        if category != "*" and category not in CATEGORIES:
            raise RuleViolation(f"unknown category {category!r}", field="rules")
        if priority != "*" and priority not in PRIORITIES:
            raise RuleViolation(f"unknown priority {priority!r}", field="rules")
        if (category, priority) in seen:
            raise RuleViolation(f"two rules for {category}/{priority}", field="rules")
        seen.add((category, priority))
        clean = {"category": category, "priority": priority}
        for key in STAGE_KEYS:
            value = rule.get(key)
            if not isinstance(value, int) or not 1 <= value <= MAX_SLA_DAYS * DAY:
                raise RuleViolation(f"{key} must be 1..{MAX_SLA_DAYS * DAY} minutes", field="rules")
            clean[key] = value
        cleaned.append(clean)
    if ("*", "*") not in seen:
        raise RuleViolation(
            "a policy needs a catch-all rule (category *, priority *)", field="rules"
        )
    return cleaned


class SlaPolicy(LedgerAggregate):
    @staticmethod
    def create_id(name: str, **_: object) -> UUID:
        return natural_id("sla-policy", name)

    @classmethod
    def define(cls, name: str, rules: list[dict[str, Any]], effective_from: datetime) -> SlaPolicy:
        return cls(
            name=require_text(name, "name", max_len=40),
            rules=check_rules(rules),
            effective_from=effective_from,
        )

    @event("Defined")
    def __init__(self, name: str, rules: list[dict[str, Any]], effective_from: datetime) -> None:
        self.name = name
        self.versions: list[dict[str, Any]] = [
            {"version": 1, "effective_from": effective_from, "rules": rules}
        ]

    def revise(self, rules: list[dict[str, Any]], effective_from: datetime) -> None:
        if effective_from < self.versions[-1]["effective_from"]:
            raise RuleViolation(
                "a revision cannot take effect before the version it replaces",
                field="effective_from",
            )
        self._revised(rules=check_rules(rules), effective_from=effective_from)

    @event("Revised")
    def _revised(self, rules: list[dict[str, Any]], effective_from: datetime) -> None:
        number = len(self.versions) + 1
        self.versions.append({"version": number, "effective_from": effective_from, "rules": rules})

    def in_force(self, at: datetime) -> dict[str, Any] | None:
        current = None
        for version in self.versions:
            if version["effective_from"] <= at:
                current = version
        return current

    def allowance(
        self, at: datetime, category: str, priority: str
    ) -> tuple[int, dict[str, Any]] | None:
        """(version number, the matching rule) in force at `at`, or None."""
        version = self.in_force(at)
        if version is None:
            return None
        by_key = {(r["category"], r["priority"]): r for r in version["rules"]}
        for key in ((category, priority), (category, "*"), ("*", priority), ("*", "*")):
            if key in by_key:
                return version["version"], by_key[key]
        return None  # pragma: no cover (a catch-all rule is required)

    def due(self, stage: str, start: datetime, category: str, priority: str) -> datetime | None:
        found = self.allowance(start, category, priority)
        return deadline(start, found[1][f"{stage}_minutes"]) if found else None
