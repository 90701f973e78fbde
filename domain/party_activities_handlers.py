"""Handlers of cross-appointments, member posts, places, secretary training and joint events
(R4, R5, R7, R12)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.handling import HandlerTable
from domain.org_bodies import BodyKind, OrgBody
from domain.org_bodies_handlers import body_in_office, body_of_kinds
from domain.org_registry import OrgUnit
from domain.org_registry_handlers import unit_of_kind
from domain.owners_committees import OwnersCommittee
from domain.party_activities import (
    CrossAppointment,
    JointEvent,
    MemberPost,
    PeriodFact,
    Place,
    SecretaryTraining,
)
from domain.party_activities_commands import (
    AppointCross,
    DesignateMemberPost,
    EndPeriodFact,
    HoldJointEvent,
    HoldSecretaryTraining,
    OpenPlace,
)
from domain.party_orgs import PartyOrg
from domain.property_companies import PropertyCompany

PERIOD_FACTS: dict[str, type[PeriodFact]] = {
    "cross_appointment": CrossAppointment,
    "member_post": MemberPost,
    "place": Place,
}

CO_HOST_TYPES: dict[str, Any] = {
    "owners_committee": OwnersCommittee,
    "property_company": PropertyCompany,
}
BODY_CO_HOSTS = {
    "residents_committee": BodyKind.RESIDENTS_COMMITTEE,
    "community_party_org": BodyKind.COMMUNITY_PARTY_ORG,
}


def appoint_cross(app: CommandApplication, command: AppointCross) -> CommandResult:
    app.load_reference(PropertyCompany, command.company_id, "company_id")
    unit_of_kind(app, command.community_id, "community", "community_id")
    party_org = _community_party_org(app, command)
    key = CrossAppointment.create_id(
        command.person_ref, command.role, command.company_id, command.starts_on
    )
    app.ensure_new(CrossAppointment, key, f"appointment of {command.person_ref}")
    return app.commit(
        CrossAppointment.appoint(
            person_ref=command.person_ref,
            name=command.name,
            role=command.role,
            company_id=command.company_id,
            community_id=command.community_id,
            starts_on=command.starts_on,
            party_org=party_org,
        )
    )


def _community_party_org(app: CommandApplication, command: AppointCross) -> OrgBody | None:
    on, named = command.starts_on, command.community_party_org_id
    if named is not None:
        kinds = (BodyKind.COMMUNITY_PARTY_ORG,)
        return body_of_kinds(app, named, kinds, on, "community_party_org_id")
    if command.role != "community_party_committee":
        return None
    return body_in_office(
        app, command.community_id, BodyKind.COMMUNITY_PARTY_ORG, on, "community_id"
    )


def designate_member_post(app: CommandApplication, command: DesignateMemberPost) -> CommandResult:
    org = app.load(PartyOrg, command.org_id)
    units = [app.load_reference(OrgUnit, u, "unit_ids").id for u in command.unit_ids or []]
    if command.window_id is not None:
        window = app.load_reference(Place, command.window_id, "window_id")
        if window.kind != "service_window" or window.ended_on is not None:
            raise RuleViolation("not an open service window", field="window_id")
    member_ref, kind = command.member_ref, command.kind
    key = MemberPost.create_id(org.id, member_ref, kind, command.starts_on)
    app.ensure_new(MemberPost, key, f"{kind} of {member_ref}")
    return app.commit(
        MemberPost.designate(
            org_id=org.id,
            org_members=org.members,
            member_ref=member_ref,
            kind=kind,
            unit_ids=units,
            window_id=command.window_id,
            starts_on=command.starts_on,
        )
    )


def open_place(app: CommandApplication, command: OpenPlace) -> CommandResult:
    kind, name = command.kind, command.name.strip()
    unit = app.load_reference(OrgUnit, command.unit_id, "unit_id")
    expected = "compound" if kind == "deliberation_hall" else "community"
    if unit.kind != expected:
        raise RuleViolation(f"a {kind} is opened in a {expected}", field="unit_id")
    app.ensure_new(Place, Place.create_id(kind, unit.id, name), f"{kind} {command.name}")
    return app.commit(
        Place.open(kind=kind, unit_id=unit.id, name=name, opened_on=command.opened_on)
    )


def end_period_fact(app: CommandApplication, command: EndPeriodFact) -> CommandResult:
    fact = app.load(PERIOD_FACTS[command.what], command.fact_id)
    fact.end(command.on, command.reason)
    return app.commit(fact)


def hold_secretary_training(
    app: CommandApplication, command: HoldSecretaryTraining
) -> CommandResult:
    for attendee in command.attendees:
        if attendee.get("org_id") is not None:
            app.load_reference(PartyOrg, attendee["org_id"], "attendees")
    title = command.title.strip()
    key = SecretaryTraining.create_id(command.held_on, title)
    app.ensure_new(SecretaryTraining, key, f"training {command.title}")
    return app.commit(
        SecretaryTraining.hold(title=title, held_on=command.held_on, attendees=command.attendees)
    )


def hold_joint_event(app: CommandApplication, command: HoldJointEvent) -> CommandResult:
    community = unit_of_kind(app, command.community_id, "community", "community_id")
    co_hosts = [_co_host(app, host, community.id, command.held_on) for host in command.co_hosts]
    name = command.name.strip()
    key = JointEvent.create_id(name, command.held_on)
    app.ensure_new(JointEvent, key, f"joint event {command.name}")
    return app.commit(
        JointEvent.hold(
            name=name,
            kind=command.kind,
            held_on=command.held_on,
            community_id=community.id,
            co_hosts=co_hosts,
            participants=command.participants,
        )
    )


def _co_host(
    app: CommandApplication, host: dict[str, Any], community_id: UUID, on: date
) -> dict[str, Any]:
    """A co-host as recorded. The residents' committee or community party organisation is
    the event's community's body in office that day; it may be named by the community's id."""
    kind = host.get("kind")
    if kind in CO_HOST_TYPES:
        app.load_reference(CO_HOST_TYPES[kind], host["id"], "co_hosts")
    body_kind = BODY_CO_HOSTS.get(str(kind))
    if body_kind is None:
        return host
    try:
        named = UUID(str(host.get("id")))
    except ValueError:
        raise RuleViolation(f"a {kind} co-host names its id", field="co_hosts") from None
    if named == community_id:
        body = body_in_office(app, community_id, body_kind, on, "co_hosts")
    else:
        body = body_of_kinds(app, named, (body_kind,), on, "co_hosts")
    if body.community_id != community_id:
        raise RuleViolation(f"{body.name} is not of the event's community", field="co_hosts")
    return {**host, "id": body.id}


HANDLERS: HandlerTable = {
    AppointCross: appoint_cross,
    DesignateMemberPost: designate_member_post,
    OpenPlace: open_place,
    EndPeriodFact: end_period_fact,
    HoldSecretaryTraining: hold_secretary_training,
    HoldJointEvent: hold_joint_event,
}
