"""R4/R5/R7/R12 facts with a period or a date: cross-appointments (双向进入、交叉任职),
model posts and responsibility areas of party members, places (deliberation halls, service
windows), yearly secretary training, and joint events of the three parties (三方联动)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import check_order, not_in_future
from domain.errors import InvalidTransition, RuleViolation
from domain.org_bodies import BodyKind, OrgBody

APPOINTMENT_ROLES = ("company_supervisor", "community_party_committee")
POST_KINDS = ("model_post", "responsibility_area")
PLACE_KINDS = ("deliberation_hall", "service_window")
CO_HOST_KINDS = (
    "residents_committee",
    "owners_committee",
    "property_company",
    "community_party_org",
)
EVENT_KINDS = ("epidemic_response", "volunteer_service", "deliberation", "culture", "other")


def _one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise RuleViolation(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


class PeriodFact(LedgerAggregate):
    """Something that starts on a date and may end later (end ≥ start). Each subclass
    declares its own `Ended` event (so its topic names the subclass)."""

    if TYPE_CHECKING:
        starts_on: date
        ended_on: date | None

        def _ended(self, on: date, reason: str | None) -> None: ...

    def end(self, on: date, reason: str | None = None) -> None:
        if self.ended_on is not None:
            raise InvalidTransition(f"already ended on {self.ended_on}")
        check_order(self.starts_on, not_in_future(on, "on"), "on")
        self._ended(on=on, reason=reason)


class CrossAppointment(PeriodFact):
    @staticmethod
    def create_id(
        person_ref: str, role: str, company_id: UUID, starts_on: date, **_: object
    ) -> UUID:
        return natural_id("cross-appointment", person_ref, role, company_id, starts_on.isoformat())

    @classmethod
    def appoint(
        cls,
        *,
        person_ref: str,
        name: str,
        role: str,
        company_id: UUID,
        community_id: UUID,
        starts_on: date,
        party_org: OrgBody | None = None,
    ) -> CrossAppointment:
        """A company party leader on the community party committee names the community's
        party organisation (`party_org`, in office on `starts_on`); a company supervisor
        from the community's two committees names none."""
        _one_of(role, APPOINTMENT_ROLES, "role")
        if role == "community_party_committee":
            _check_community_party_org(party_org, community_id)
        elif party_org is not None:
            raise RuleViolation(
                "only an appointment to the community party committee names its party organisation",
                field="community_party_org_id",
            )
        return cls(
            person_ref=require_text(person_ref, "person_ref", max_len=64),
            name=require_text(name, "name", max_len=100),
            role=role,
            company_id=company_id,
            community_id=community_id,
            starts_on=not_in_future(starts_on, "starts_on"),
            body_id=party_org.id if party_org else None,
        )

    class Appointed(LedgerAggregate.Created):
        """Version 2 added `body_id` (the community party organisation of an appointment to
        its committee); a version-1 event (stored before) names none."""

        person_ref: str
        name: str
        role: str
        company_id: UUID
        community_id: UUID
        starts_on: date
        body_id: UUID | None = None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["body_id"] = None

    @event(Appointed)
    def __init__(
        self,
        *,
        person_ref: str,
        name: str,
        role: str,
        company_id: UUID,
        community_id: UUID,
        starts_on: date,
        body_id: UUID | None = None,
    ) -> None:
        self.role = role
        self.company_id = company_id
        self.community_id = community_id
        self.starts_on = starts_on
        self.body_id = body_id
        self.ended_on = None

    @event("Ended")
    def _ended(self, on: date, reason: str | None) -> None:
        self.ended_on = on


def _check_community_party_org(party_org: OrgBody | None, community_id: UUID) -> None:
    if party_org is None or party_org.kind != BodyKind.COMMUNITY_PARTY_ORG:
        raise RuleViolation(
            "an appointment to the community party committee names the community party "
            "organisation",
            field="community_party_org_id",
        )
    if party_org.community_id != community_id:
        raise RuleViolation(
            f"{party_org.name} is not the party organisation of community {community_id}",
            field="community_party_org_id",
        )


class MemberPost(PeriodFact):
    """A party member's model post (at a service window) or responsibility area (buildings
    or compounds assigned to the member)."""

    @staticmethod
    def create_id(org_id: UUID, member_ref: str, kind: str, starts_on: date, **_: object) -> UUID:
        return natural_id("member-post", org_id, member_ref, kind, starts_on.isoformat())

    @classmethod
    def designate(
        cls,
        *,
        org_id: UUID,
        org_members: list[str],
        member_ref: str,
        kind: str,
        unit_ids: list[UUID],
        window_id: UUID | None,
        starts_on: date,
    ) -> MemberPost:
        _one_of(kind, POST_KINDS, "kind")
        if member_ref not in org_members:
            raise RuleViolation(f"{member_ref} is not a member of the org", field="member_ref")
        if kind == "model_post" and window_id is None:
            raise RuleViolation("a model post is at a service window", field="window_id")
        if kind == "responsibility_area" and not unit_ids:
            raise RuleViolation("name the compounds or buildings of the area", field="unit_ids")
        return cls(
            org_id=org_id,
            member_ref=member_ref,
            kind=kind,
            unit_ids=list(unit_ids),
            window_id=window_id,
            starts_on=not_in_future(starts_on, "starts_on"),
        )

    @event("Designated")
    def __init__(
        self,
        *,
        org_id: UUID,
        member_ref: str,
        kind: str,
        unit_ids: list[UUID],
        window_id: UUID | None,
        starts_on: date,
    ) -> None:
        self.org_id = org_id
        self.kind = kind
        self.starts_on = starts_on
        self.ended_on = None

    @event("Ended")
    def _ended(self, on: date, reason: str | None) -> None:
        self.ended_on = on


class Place(PeriodFact):
    """A deliberation hall (议事厅) in a compound or a service window (服务窗口) in a
    party-mass service centre."""

    @staticmethod
    def create_id(kind: str, unit_id: UUID, name: str, **_: object) -> UUID:
        return natural_id("place", kind, unit_id, name)

    @classmethod
    def open(cls, *, kind: str, unit_id: UUID, name: str, opened_on: date) -> Place:
        return cls(
            kind=_one_of(kind, PLACE_KINDS, "kind"),
            unit_id=unit_id,
            name=require_text(name, "name", max_len=100),
            starts_on=not_in_future(opened_on, "opened_on"),
        )

    @event("Opened")
    def __init__(self, *, kind: str, unit_id: UUID, name: str, starts_on: date) -> None:
        self.kind = kind
        self.unit_id = unit_id
        self.starts_on = starts_on
        self.ended_on = None

    @event("Ended")
    def _ended(self, on: date, reason: str | None) -> None:
        self.ended_on = on


class SecretaryTraining(LedgerAggregate):
    @staticmethod
    def create_id(held_on: date, title: str, **_: object) -> UUID:
        return natural_id("secretary-training", held_on.isoformat(), title)

    @classmethod
    def hold(
        cls, *, title: str, held_on: date, attendees: list[dict[str, Any]]
    ) -> SecretaryTraining:
        refs = [str(a.get("secretary_ref", "")) for a in attendees]
        if len(set(refs)) != len(refs):
            raise RuleViolation("an attendee is named twice", field="attendees")
        return cls(
            title=require_text(title, "title", max_len=200),
            held_on=not_in_future(held_on, "held_on"),
            attendees=[
                {
                    "secretary_ref": require_text(
                        a.get("secretary_ref", ""), "attendees", max_len=64
                    ),
                    "org_id": a.get("org_id"),
                }
                for a in attendees
            ],
        )

    @event("Held")
    def __init__(self, *, title: str, held_on: date, attendees: list[dict[str, Any]]) -> None:
        self.held_on = held_on
        self.attendees = attendees


class JointEvent(LedgerAggregate):
    """An event co-hosted by the residents' committee, owners' committee and company (R7),
    or led by the community party organisation with them (联合)."""

    @staticmethod
    def create_id(name: str, held_on: date, **_: object) -> UUID:
        return natural_id("joint-event", name, held_on.isoformat())

    @classmethod
    def hold(
        cls,
        *,
        name: str,
        kind: str,
        held_on: date,
        community_id: UUID,
        co_hosts: list[dict[str, Any]],
        participants: int,
    ) -> JointEvent:
        kinds = {_one_of(str(h.get("kind")), CO_HOST_KINDS, "co_hosts") for h in co_hosts}
        if len(kinds) < 2:
            raise RuleViolation(
                "a joint event has co-hosts of at least two kinds", field="co_hosts"
            )
        if participants < 0:
            raise RuleViolation("participants cannot be negative", field="participants")
        return cls(
            name=require_text(name, "name", max_len=200),
            kind=_one_of(kind, EVENT_KINDS, "kind"),
            held_on=not_in_future(held_on, "held_on"),
            community_id=community_id,
            co_hosts=[{"kind": h["kind"], "id": str(h["id"])} for h in co_hosts],
            participants=participants,
        )

    @event("Held")
    def __init__(
        self,
        *,
        name: str,
        kind: str,
        held_on: date,
        community_id: UUID,
        co_hosts: list[dict[str, Any]],
        participants: int,
    ) -> None:
        self.held_on = held_on
        self.co_hosts = co_hosts
