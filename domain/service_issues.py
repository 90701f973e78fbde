"""R9/R15 service issues: the grid closed loop 采集上报 → 受理处置 → 反馈考核.

One aggregate per issue, `ServiceIssue`. Every step is an event; the actor and the
business time (`occurred_at`) travel in each event's `meta` (domain.metadata).

States (codes in domain.issue_catalog.STATES)::

    reported ─accept─▶ accepted ─start_handling─▶ handling ─mark_handled─▶ handled
       │  └─refer_out─▶ referred_out (final)                  ▲             │
       └─link_as_duplicate─▶ duplicate (final)                │      give_feedback
    handled ─feedback satisfied/basically_satisfied─▶ feedback_given ─close─▶ closed
    handled ─feedback dissatisfied─▶ reopened ─start_handling─▶ handling (counted)
    handled/feedback_given ─reopen─▶ reopened;  handled ─close─▶ closed (no feedback)

Events (names and fields are stable; add fields only with defaults):

- ``ServiceIssue.Reported``: source_ref, channel, category, priority, compound_id,
  grid_id, street_id, community_id, building, description, reported_at (datetime),
  address, lat, long, reporter_ref (pseudonymous person id or None),
  reporter_contact_masked (e.g. 138****1234), reporter_contact_sealed (ciphertext under
  the reporter's own key, kept outside the log: erasing the key shreds it),
  accept_due (datetime or None), sla_version (int or None).
- ``ServiceIssue.Accepted``: company_id (UUID or None), department (str or None),
  handle_due (datetime or None), body_id (UUID or None; absent from events stored before
  bodies were routed to, read as None). Routed to exactly one of a company, a body (the
  community's property-work guidance committee or the street's property-management office,
  domain/org_bodies.py: `department` then holds the body's name on acceptance), or a
  department named in free text.
- ``ServiceIssue.ReferredOut``: reason.
- ``ServiceIssue.LinkedAsDuplicate``: original_id.
- ``ServiceIssue.HandlingStarted``: (no fields).
- ``ServiceIssue.Handled``: resolution, feedback_due (datetime or None).
- ``ServiceIssue.FeedbackGiven``: rating (satisfied / basically_satisfied /
  dissatisfied), comment.
- ``ServiceIssue.Reopened``: reason, handle_due (datetime or None). Dissatisfied
  feedback triggers it in the same command.
- ``ServiceIssue.Closed``: note.
- ``ServiceIssue.DeadlineMissed``: stage (accept / handle / feedback), due (datetime),
  cycle (0, then +1 per reopen).
- ``ServiceIssue.Escalated``: stage, cycle, to_org_id (the street), level ("street").

`check_deadlines(now)` is deterministic: a (stage, cycle) already recorded as missed is
never recorded again, so `redprop sla tick` run twice records nothing new.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import CompanyDoesNotServeCompound, InvalidTransition, RuleViolation
from domain.issue_catalog import (
    CATEGORIES,
    CHANNELS,
    MAX_DESCRIPTION,
    POSITIVE_RATINGS,
    PRIORITIES,
    RATINGS,
    STATES,
    check_code,
)
from domain.org_bodies import BodyKind, OrgBody


class ServiceIssue(LedgerAggregate):
    @staticmethod
    def create_id(source_ref: str, **_: object) -> UUID:
        return natural_id("service-issue", source_ref)

    @classmethod
    def report(
        cls,
        *,
        source_ref: str,
        channel: str,
        category: str,
        compound_id: UUID,
        grid_id: UUID | None,
        street_id: UUID | None,
        community_id: UUID | None,
        description: str,
        reported_at: datetime,
        priority: str = "normal",
        building: str | None = None,
        address: str | None = None,
        lat: float | None = None,
        long: float | None = None,
        reporter_ref: str | None = None,
        reporter_contact_masked: str | None = None,
        reporter_contact_sealed: str | None = None,
        accept_due: datetime | None = None,
        sla_version: int | None = None,
    ) -> ServiceIssue:
        if reported_at.tzinfo is None:
            raise RuleViolation("reported_at needs a time zone", field="reported_at")
        if lat is not None and not -90 <= lat <= 90:
            raise RuleViolation("lat must be between -90 and 90", field="lat")
        if long is not None and not -180 <= long <= 180:
            raise RuleViolation("long must be between -180 and 180", field="long")
        return cls(
            source_ref=require_text(source_ref, "source_ref", max_len=100),
            channel=check_code(channel, CHANNELS, "channel"),
            category=check_code(category, CATEGORIES, "category"),
            priority=check_code(priority, PRIORITIES, "priority"),
            compound_id=compound_id,
            grid_id=grid_id,
            street_id=street_id,
            community_id=community_id,
            building=_optional_text(building, "building", 50),
            description=require_text(description, "description", max_len=MAX_DESCRIPTION),
            reported_at=reported_at,
            address=_optional_text(address, "address", 200),
            lat=lat,
            long=long,
            reporter_ref=reporter_ref,
            reporter_contact_masked=reporter_contact_masked,
            reporter_contact_sealed=reporter_contact_sealed,
            accept_due=accept_due,
            sla_version=sla_version,
        )

    @event("Reported")
    def __init__(
        self,
        *,
        source_ref: str,
        channel: str,
        category: str,
        priority: str,
        compound_id: UUID,
        grid_id: UUID | None,
        street_id: UUID | None,
        community_id: UUID | None,
        building: str | None,
        description: str,
        reported_at: datetime,
        address: str | None,
        lat: float | None,
        long: float | None,
        reporter_ref: str | None,
        reporter_contact_masked: str | None,
        reporter_contact_sealed: str | None,
        accept_due: datetime | None,
        sla_version: int | None,
    ) -> None:
        self.source_ref = source_ref
        self.channel = channel
        self.category = category
        self.priority = priority
        self.compound_id = compound_id
        self.grid_id = grid_id
        self.street_id = street_id
        self.community_id = community_id
        self.building = building
        self.description = description
        self.reported_at = reported_at
        self.reporter_ref = reporter_ref
        self.reporter_contact_sealed = reporter_contact_sealed
        self.state = "reported"
        self.company_id: UUID | None = None
        self.department: str | None = None
        self.body_id: UUID | None = None
        self.cycle = 0  # +1 per reopen
        self.due: dict[str, datetime | None] = {"accept": accept_due}
        self.missed: list[str] = []  # "stage:cycle" already recorded
        self.last_rating: str | None = None

    # -- commands -------------------------------------------------------------------------

    def accept(
        self,
        *,
        company_id: UUID | None = None,
        department: str | None = None,
        handle_due: datetime | None = None,
        served_by: UUID | None = None,
        body: OrgBody | None = None,
    ) -> None:
        """Route to a department, or to a body (the guidance committee of the issue's
        community or the property office of its street, in office today), or to
        `company_id`, which must be `served_by`: the company serving the compound under a
        contract in force on the day of acceptance."""
        self._require("reported", action="accept")
        dept = _optional_text(department, "department", 100)
        if [company_id, dept, body].count(None) != 2:
            raise RuleViolation(
                "route the issue to exactly one of company_id, body_id or department",
                field="company_id",
            )
        if body is not None:
            self._check_routing_body(body)
            dept = body.name
        if company_id is not None and company_id != served_by:
            serving = f"company {served_by}" if served_by else "no company"
            raise CompanyDoesNotServeCompound(
                f"company {company_id} does not serve the compound of this issue "
                f"({serving} serves it under a contract in force today)",
                field="company_id",
            )
        self._accepted(
            company_id=company_id,
            department=dept,
            handle_due=handle_due,
            body_id=body.id if body else None,
        )

    def _check_routing_body(self, body: OrgBody) -> None:
        unit = {
            BodyKind.PROPERTY_GUIDANCE_COMMITTEE: self.community_id,
            BodyKind.STREET_PROPERTY_OFFICE: self.street_id,
        }.get(BodyKind(body.kind))
        if unit is None:
            raise RuleViolation(
                "an issue is routed to a property-work guidance committee or a street "
                f"property-management office, not a {body.kind}",
                field="body_id",
            )
        if body.parent_id != unit:
            where = "community" if body.community_id else "street"
            raise RuleViolation(
                f"{body.name} is not the {body.kind} of the issue's {where}", field="body_id"
            )

    def refer_out(self, reason: str) -> None:
        self._require("reported", "accepted", action="refer out")
        self._referred_out(reason=require_text(reason, "reason", max_len=500))

    def link_as_duplicate(self, original: ServiceIssue) -> None:
        if original.id == self.id:
            raise RuleViolation("an issue cannot duplicate itself", field="original_id")
        if original.state == "duplicate":
            raise RuleViolation(
                "link to the original issue, not to another duplicate", field="original_id"
            )
        self._require("reported", "accepted", action="link as a duplicate")
        self._linked_as_duplicate(original_id=original.id)

    def start_handling(self) -> None:
        if self.state == "referred_out":
            raise InvalidTransition("a referred-out issue is not a property matter to handle")
        self._require("accepted", "reopened", action="start handling")
        self._handling_started()

    def mark_handled(self, resolution: str, *, feedback_due: datetime | None = None) -> None:
        self._require("handling", action="mark as handled")
        note = require_text(resolution, "resolution", max_len=MAX_DESCRIPTION)
        self._handled(resolution=note, feedback_due=feedback_due)

    def give_feedback(
        self, rating: str, comment: str | None = None, *, handle_due: datetime | None = None
    ) -> None:
        self._require("handled", action="give feedback")
        check_code(rating, RATINGS, "rating")
        self._feedback_given(rating=rating, comment=_optional_text(comment, "comment", 500))
        if rating not in POSITIVE_RATINGS:
            self._reopened(reason="居民不满意 (dissatisfied feedback)", handle_due=handle_due)

    def reopen(self, reason: str, *, handle_due: datetime | None = None) -> None:
        self._require("handled", "feedback_given", action="reopen")
        self._reopened(reason=require_text(reason, "reason", max_len=500), handle_due=handle_due)

    def close(self, note: str | None = None) -> None:
        self._require("handled", "feedback_given", action="close")
        self._closed(note=_optional_text(note, "note", 500))

    def check_deadlines(self, now: datetime) -> list[str]:
        """Record each deadline passed by `now` that is not recorded yet; returns the stages."""
        stage = {
            "reported": "accept",
            "accepted": "handle",
            "handling": "handle",
            "reopened": "handle",
            "handled": "feedback",
        }.get(self.state)
        if stage is None:
            return []
        due = self.due.get(stage)
        if due is None or now <= due or f"{stage}:{self.cycle}" in self.missed:
            return []
        self._deadline_missed(stage=stage, due=due, cycle=self.cycle)
        self._escalated(stage=stage, cycle=self.cycle, to_org_id=self.street_id, level="street")
        return [stage]

    # -- events ---------------------------------------------------------------------------

    class Accepted(LedgerAggregate.Event):
        """Version 2 added `body_id`; a version-1 event (stored before) routed to no body."""

        company_id: UUID | None
        department: str | None
        handle_due: datetime | None
        body_id: UUID | None = None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["body_id"] = None

    @event(Accepted)
    def _accepted(
        self,
        company_id: UUID | None,
        department: str | None,
        handle_due: datetime | None,
        body_id: UUID | None = None,
    ) -> None:
        self.state = "accepted"
        self.company_id = company_id
        self.department = department
        self.body_id = body_id
        self.due["handle"] = handle_due

    @event("ReferredOut")
    def _referred_out(self, reason: str) -> None:
        self.state = "referred_out"

    @event("LinkedAsDuplicate")
    def _linked_as_duplicate(self, original_id: UUID) -> None:
        self.state = "duplicate"
        self.original_id = original_id

    @event("HandlingStarted")
    def _handling_started(self) -> None:
        self.state = "handling"

    @event("Handled")
    def _handled(self, resolution: str, feedback_due: datetime | None) -> None:
        self.state = "handled"
        self.due["feedback"] = feedback_due

    @event("FeedbackGiven")
    def _feedback_given(self, rating: str, comment: str | None) -> None:
        self.state = "feedback_given"
        self.last_rating = rating

    @event("Reopened")
    def _reopened(self, reason: str, handle_due: datetime | None) -> None:
        self.state = "reopened"
        self.cycle += 1
        self.due["handle"] = handle_due
        self.due["feedback"] = None

    @event("Closed")
    def _closed(self, note: str | None) -> None:
        self.state = "closed"

    @event("DeadlineMissed")
    def _deadline_missed(self, stage: str, due: datetime, cycle: int) -> None:
        self.missed.append(f"{stage}:{cycle}")

    @event("Escalated")
    def _escalated(self, stage: str, cycle: int, to_org_id: UUID | None, level: str) -> None:
        pass

    def _require(self, *states: str, action: str) -> None:
        if self.state not in states:
            allowed = " or ".join(STATES[s] + f" ({s})" for s in states)
            raise InvalidTransition(
                f"cannot {action} an issue that is {STATES[self.state]} ({self.state}); "
                f"it must be {allowed}"
            )


def _optional_text(value: str | None, field: str, max_len: int) -> str | None:
    if value is None or not value.strip():
        return None
    return require_text(value, field, max_len=max_len)
