"""Read model of dated party-building activities: periods (cross-appointments, member posts,
places) answerable as of any date D, and dated events (secretary training with attendance,
joint events of the three parties) per year."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, select

from domain.party_activities import (
    CrossAppointment,
    JointEvent,
    MemberPost,
    Place,
    SecretaryTraining,
)
from projections.base import Projection, handles, id_str
from projections.in_force import in_force_on
from projections.read_scope import EVERYTHING, ReadScope, within
from projections.view import View

metadata = MetaData()

activity_periods = Table(
    "party_activity_periods",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("what", String(20), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("org_id", String(36)),
    Column("company_id", String(36)),
    Column("unit_id", String(36)),
    Column("from_on", String(10), nullable=False),
    Column("to_on", String(10)),
)

activity_events = Table(
    "party_activity_events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("what", String(20), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("held_on", String(10), nullable=False),
    Column("community_id", String(36)),
    Column("attendees", Integer, nullable=False),
    Column("co_host_kinds", String(100)),
)

# One row per secretary at a training, with the organisation they came for.
training_attendance = Table(
    "secretary_training_attendance",
    metadata,
    Column("training_id", String(36), primary_key=True),
    Column("secretary_ref", String(64), primary_key=True),
    Column("org_id", String(36), index=True),
    Column("held_on", String(10), nullable=False),
)


def _period(view: View, event: Any, what: str, **row: Any) -> None:
    view.insert(
        "party_activity_periods",
        {
            "id": str(event.originator_id),
            "what": what,
            "org_id": None,
            "company_id": None,
            "unit_id": None,
            "to_on": None,
            **row,
        },
    )


class PartyActivitiesProjection(Projection):
    name = "party_activities"
    metadata = metadata

    @handles(CrossAppointment, "Appointed")
    def cross_appointment_appointed(self, event: Any, view: View) -> None:
        _period(
            view,
            event,
            "cross_appointment",
            kind=event.role,
            subject=event.name,
            company_id=str(event.company_id),
            unit_id=str(event.community_id),
            org_id=id_str(event.body_id),  # the community party organisation, if named
            from_on=event.starts_on.isoformat(),
        )

    @handles(MemberPost, "Designated")
    def member_post_designated(self, event: Any, view: View) -> None:
        units = [str(u) for u in event.unit_ids]
        _period(
            view,
            event,
            "member_post",
            kind=event.kind,
            subject=event.member_ref,
            org_id=str(event.org_id),
            unit_id=id_str(event.window_id) or (units[0] if units else None),
            from_on=event.starts_on.isoformat(),
        )

    @handles(Place, "Opened")
    def place_opened(self, event: Any, view: View) -> None:
        _period(
            view,
            event,
            "place",
            kind=event.kind,
            subject=event.name,
            unit_id=str(event.unit_id),
            from_on=event.starts_on.isoformat(),
        )

    @handles(CrossAppointment, "Ended")
    @handles(MemberPost, "Ended")
    @handles(Place, "Ended")
    def period_ended(self, event: Any, view: View) -> None:
        view.update("party_activity_periods", str(event.originator_id), to_on=event.on.isoformat())

    @handles(SecretaryTraining, "Held")
    def secretary_training_held(self, event: Any, view: View) -> None:
        view.insert(
            "party_activity_events",
            {
                "id": str(event.originator_id),
                "what": "secretary_training",
                "kind": "training",
                "name": event.title,
                "held_on": event.held_on.isoformat(),
                "community_id": None,
                "attendees": len(event.attendees),
                "co_host_kinds": None,
            },
        )
        for attendee in event.attendees:
            view.add(
                "secretary_training_attendance",
                {
                    "training_id": str(event.originator_id),
                    "secretary_ref": attendee["secretary_ref"],
                    "org_id": id_str(attendee.get("org_id")),
                    "held_on": event.held_on.isoformat(),
                },
            )

    @handles(JointEvent, "Held")
    def joint_event_held(self, event: Any, view: View) -> None:
        view.insert(
            "party_activity_events",
            {
                "id": str(event.originator_id),
                "what": "joint_event",
                "kind": event.kind,
                "name": event.name,
                "held_on": event.held_on.isoformat(),
                "community_id": str(event.community_id),
                "attendees": event.participants,
                "co_host_kinds": ",".join(sorted({h["kind"] for h in event.co_hosts})),
            },
        )


def get_period(conn: Connection, what: str, fact_id: str) -> dict[str, Any] | None:
    """The cross-appointment, member post or place with this id."""
    t = activity_periods
    row = conn.execute(select(t).where(t.c.id == fact_id, t.c.what == what)).first()
    return dict(row._mapping) if row else None


def periods_active_on(
    conn: Connection,
    what: str,
    day: date,
    kind: str | None = None,
    scope: ReadScope = EVERYTHING,
) -> list[dict[str, Any]]:
    """Cross-appointments, member posts or places in force on `day` that the scope covers."""
    t = activity_periods
    d = day.isoformat()
    stmt = select(t).where(
        t.c.what == what, in_force_on(t.c.from_on, t.c.to_on, d), readable(scope)
    )
    if kind:
        stmt = stmt.where(t.c.kind == kind)
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(t.c.from_on))]


def readable(scope: ReadScope) -> Any:
    """The periods the scope covers: in its unit (a model post by its window's unit), or a
    cross-appointment to its company."""
    t = activity_periods.c
    window = activity_periods.alias("window")

    def window_in(subtree: Any) -> Any:
        at = select(window.c.id).where(window.c.id == t.unit_id, window.c.unit_id.in_(subtree))
        return at.exists()

    return within(scope, units=(t.unit_id, window_in), company=t.company_id)


def events_in_year(conn: Connection, what: str, year: int) -> list[dict[str, Any]]:
    """Secretary trainings or joint events held in a year, with attendance."""
    t = activity_events
    stmt = (
        select(t)
        .where(t.c.what == what, t.c.held_on >= f"{year}-01-01", t.c.held_on <= f"{year}-12-31")
        .order_by(t.c.held_on)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def orgs_trained_in(conn: Connection, year: int, as_of: date) -> set[str]:
    """Organisations whose secretary attended a training held in `year`, on or before
    `as_of`."""
    t = training_attendance
    last = min(date(year, 12, 31), as_of).isoformat()
    stmt = select(t.c.org_id).where(t.c.held_on >= f"{year}-01-01", t.c.held_on <= last)
    return {r.org_id for r in conn.execute(stmt) if r.org_id}


def trainings_held_in(conn: Connection, year: int, as_of: date) -> int:
    last = min(date(year, 12, 31), as_of).isoformat()
    return sum(1 for e in events_in_year(conn, "secretary_training", year) if e["held_on"] <= last)
