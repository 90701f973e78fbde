"""Handlers of the org registry's commands (R1)."""

from __future__ import annotations

from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.errors import InvalidTransition, RuleViolation
from domain.handling import HandlerTable
from domain.org_bodies import BodyKind, OrgBodyTerms
from domain.org_registry import OrgUnit
from domain.org_registry_commands import CloseOrgUnit, MoveCompound, RegisterOrgUnit, RenameOrgUnit


def register_org_unit(app: CommandApplication, command: RegisterOrgUnit) -> CommandResult:
    parent_id = command.parent_id
    parent = app.load_reference(OrgUnit, parent_id, "parent_id") if parent_id else None
    kind, code = command.kind, command.code
    app.ensure_new(OrgUnit, OrgUnit.create_id(kind, code), f"{kind} {code}")
    unit = OrgUnit.register(
        kind=kind,
        code=code,
        name=command.name,
        parent=parent,
        compound_type=command.compound_type,
        households=command.households,
    )
    if parent is None:
        return app.commit(unit)
    parent.attach(unit)
    return app.commit(unit, parent)


def rename_org_unit(app: CommandApplication, command: RenameOrgUnit) -> CommandResult:
    unit = app.load(OrgUnit, command.unit_id, expected_version=command.expected_version)
    unit.rename(command.name)
    return app.commit(unit)


def move_compound(app: CommandApplication, command: MoveCompound) -> CommandResult:
    compound = app.load(OrgUnit, command.compound_id, expected_version=command.expected_version)
    new_parent = app.load_reference(OrgUnit, command.community_id, "community_id")
    old_parent = app.load(OrgUnit, compound.parent_id) if compound.parent_id else new_parent
    compound.move_to(new_parent, old_parent)
    return app.commit(compound, old_parent, new_parent)


def close_org_unit(app: CommandApplication, command: CloseOrgUnit) -> CommandResult:
    unit = app.load(OrgUnit, command.unit_id, expected_version=command.expected_version)
    parent = app.load(OrgUnit, unit.parent_id) if unit.parent_id else None
    _check_no_body_in_office(app, unit)
    unit.close(command.reason, parent)
    return app.commit(unit, *([parent] if parent else []))


def _check_no_body_in_office(app: CommandApplication, unit: OrgUnit) -> None:
    """A street or community keeps its bodies (domain/org_bodies.py) until they are
    dissolved: it is not closed under them."""
    for kind in BodyKind:
        terms_id = OrgBodyTerms.create_id(unit.id, kind.value)
        if terms_id in app.repository:
            body_id = app.load(OrgBodyTerms, terms_id).in_office()
            if body_id is not None:
                raise InvalidTransition(
                    f"its {kind.value} {body_id} is still in office; dissolve it first"
                )


def unit_of_kind(app: CommandApplication, unit_id: UUID, kind: str, field: str) -> OrgUnit:
    """Load a unit named in the input; a missing one or one of another kind is bad input."""
    unit = app.load_reference(OrgUnit, unit_id, field)
    if unit.kind != kind:
        raise RuleViolation(f"{unit_id} is not a {kind}", field=field)
    return unit


HANDLERS: HandlerTable = {
    RegisterOrgUnit: register_org_unit,
    RenameOrgUnit: rename_org_unit,
    MoveCompound: move_compound,
    CloseOrgUnit: close_org_unit,
}
