"""Handlers of the bodies under communities and streets (R1), and how other areas find them:
by id (`body_of_kinds`) or as the body of a kind in office under a unit on a day
(`body_in_office`)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.errors import NotFound, RuleViolation
from domain.handling import HandlerTable
from domain.org_bodies import BODY_LABELS, BodyKind, OrgBody, OrgBodyTerms, require_in_office
from domain.org_bodies_commands import DissolveOrgBody, EstablishOrgBody, RenameOrgBody
from domain.org_registry import OrgUnit


def establish_org_body(app: CommandApplication, command: EstablishOrgBody) -> CommandResult:
    parent = app.load_reference(OrgUnit, command.parent_id, "parent_id")
    street_id = parent.id if parent.kind == "street" else parent.parent_id
    terms = _terms(app, parent.id, command.kind)
    body_id = OrgBody.create_id(command.kind, parent.id, command.established_on)
    app.ensure_new(OrgBody, body_id, f"{command.kind} of {parent.code}")
    body = OrgBody.establish(
        kind=command.kind,
        name=command.name,
        parent_id=parent.id,
        parent_kind=parent.kind,
        parent_closed=parent.closed,
        street_id=street_id,
        established_on=command.established_on,
        terms=terms,
    )
    return app.commit(body, terms)


def rename_org_body(app: CommandApplication, command: RenameOrgBody) -> CommandResult:
    body = app.load(OrgBody, command.body_id, expected_version=command.expected_version)
    body.rename(command.name, command.on)
    return app.commit(body)


def dissolve_org_body(app: CommandApplication, command: DissolveOrgBody) -> CommandResult:
    body = app.load(OrgBody, command.body_id, expected_version=command.expected_version)
    terms = app.load(OrgBodyTerms, OrgBodyTerms.create_id(body.parent_id, body.kind))
    body.dissolve(command.on, command.reason, terms)
    return app.commit(body, terms)


def _terms(app: CommandApplication, parent_id: UUID, kind: str) -> OrgBodyTerms:
    try:
        return app.load(OrgBodyTerms, OrgBodyTerms.create_id(parent_id, kind))
    except NotFound:
        return OrgBodyTerms(parent_id=parent_id, kind=kind)


def body_of_kinds(
    app: CommandApplication, body_id: UUID, kinds: tuple[str, ...], day: date, field: str
) -> OrgBody:
    """A body named in the input: of one of `kinds` and in office on `day` (else bad input)."""
    return require_in_office(app.load_reference(OrgBody, body_id, field), kinds, day, field)


def body_in_office(
    app: CommandApplication, unit_id: UUID, kind: BodyKind, day: date, field: str
) -> OrgBody:
    """The body of `kind` in office under the unit on `day`; bad input if there is none."""
    try:
        terms = app.load(OrgBodyTerms, OrgBodyTerms.create_id(unit_id, kind.value))
        holder = terms.holder_on(day)
    except NotFound:
        holder = None
    if holder is None:
        raise RuleViolation(f"{unit_id} has no {BODY_LABELS[kind]} ({kind}) on {day}", field=field)
    return app.load(OrgBody, holder)


HANDLERS: HandlerTable = {
    EstablishOrgBody: establish_org_body,
    RenameOrgBody: rename_org_body,
    DissolveOrgBody: dissolve_org_body,
}
