"""Commands of cross-appointments, member posts, places, secretary training and joint events
(R4, R5, R7, R12)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.org_registry import OrgUnit
from domain.owners_committees import OwnersCommittee
from domain.party_activities import (
    CrossAppointment,
    JointEvent,
    MemberPost,
    PeriodFact,
    Place,
    SecretaryTraining,
)
from domain.party_orgs import PartyOrg
from domain.property_companies import PropertyCompany

PERIOD_FACTS: dict[str, type[PeriodFact]] = {
    "cross_appointment": CrossAppointment,
    "member_post": MemberPost,
    "place": Place,
}


class PartyActivityCommands(CommandApplication):
    def appoint_cross(
        self,
        *,
        person_ref: str,
        name: str,
        role: str,
        company_id: UUID,
        community_id: UUID,
        starts_on: date,
    ) -> CommandResult:
        self.load_reference(PropertyCompany, company_id, "company_id")
        community = self.load_reference(OrgUnit, community_id, "community_id")
        if community.kind != "community":
            raise RuleViolation(f"{community_id} is not a community", field="community_id")
        key = CrossAppointment.create_id(person_ref, role, company_id, starts_on)
        self.ensure_new(CrossAppointment, key, f"appointment of {person_ref}")
        return self.commit(
            CrossAppointment.appoint(
                person_ref=person_ref,
                name=name,
                role=role,
                company_id=company_id,
                community_id=community_id,
                starts_on=starts_on,
            )
        )

    def designate_member_post(
        self,
        org_id: UUID,
        *,
        member_ref: str,
        kind: str,
        starts_on: date,
        unit_ids: list[UUID] | None = None,
        window_id: UUID | None = None,
    ) -> CommandResult:
        org = self.load(PartyOrg, org_id)
        units = [self.load_reference(OrgUnit, u, "unit_ids").id for u in unit_ids or []]
        if window_id is not None:
            window = self.load_reference(Place, window_id, "window_id")
            if window.kind != "service_window" or window.ended_on is not None:
                raise RuleViolation("not an open service window", field="window_id")
        key = MemberPost.create_id(org.id, member_ref, kind, starts_on)
        self.ensure_new(MemberPost, key, f"{kind} of {member_ref}")
        return self.commit(
            MemberPost.designate(
                org_id=org.id,
                org_members=org.members,
                member_ref=member_ref,
                kind=kind,
                unit_ids=units,
                window_id=window_id,
                starts_on=starts_on,
            )
        )

    def open_place(self, *, kind: str, unit_id: UUID, name: str, opened_on: date) -> CommandResult:
        unit = self.load_reference(OrgUnit, unit_id, "unit_id")
        expected = "compound" if kind == "deliberation_hall" else "community"
        if unit.kind != expected:
            raise RuleViolation(f"a {kind} is opened in a {expected}", field="unit_id")
        self.ensure_new(Place, Place.create_id(kind, unit.id, name.strip()), f"{kind} {name}")
        return self.commit(
            Place.open(kind=kind, unit_id=unit.id, name=name.strip(), opened_on=opened_on)
        )

    def end_period_fact(
        self, what: str, fact_id: UUID, *, on: date, reason: str | None = None
    ) -> CommandResult:
        """End a cross-appointment, a member post, or close a place."""
        fact = self.load(PERIOD_FACTS[what], fact_id)
        fact.end(on, reason)
        return self.commit(fact)

    def hold_secretary_training(
        self, *, title: str, held_on: date, attendees: list[dict[str, Any]]
    ) -> CommandResult:
        for attendee in attendees:
            if attendee.get("org_id") is not None:
                self.load_reference(PartyOrg, attendee["org_id"], "attendees")
        key = SecretaryTraining.create_id(held_on, title.strip())
        self.ensure_new(SecretaryTraining, key, f"training {title}")
        return self.commit(
            SecretaryTraining.hold(title=title.strip(), held_on=held_on, attendees=attendees)
        )

    def hold_joint_event(
        self,
        *,
        name: str,
        kind: str,
        held_on: date,
        community_id: UUID,
        co_hosts: list[dict[str, Any]],
        participants: int,
    ) -> CommandResult:
        community = self.load_reference(OrgUnit, community_id, "community_id")
        host_types: dict[str, Any] = {
            "residents_committee": OrgUnit,
            "owners_committee": OwnersCommittee,
            "property_company": PropertyCompany,
        }
        for host in co_hosts:
            if host.get("kind") in host_types:
                self.load_reference(host_types[host["kind"]], host["id"], "co_hosts")
        key = JointEvent.create_id(name.strip(), held_on)
        self.ensure_new(JointEvent, key, f"joint event {name}")
        return self.commit(
            JointEvent.hold(
                name=name.strip(),
                kind=kind,
                held_on=held_on,
                community_id=community.id,
                co_hosts=co_hosts,
                participants=participants,
            )
        )
