"""Commands of the org registry (R1)."""

from __future__ import annotations

from uuid import UUID

from domain.base import ExpectedVersion
from domain.commands import CommandApplication, CommandResult
from domain.org_registry import OrgUnit


class OrgRegistryCommands(CommandApplication):
    def register_org_unit(
        self,
        *,
        kind: str,
        code: str,
        name: str,
        parent_id: UUID | None = None,
        compound_type: str | None = None,
        households: int | None = None,
    ) -> CommandResult:
        parent = self.load_reference(OrgUnit, parent_id, "parent_id") if parent_id else None
        self.ensure_new(OrgUnit, OrgUnit.create_id(kind, code), f"{kind} {code}")
        unit = OrgUnit.register(
            kind=kind,
            code=code,
            name=name,
            parent=parent,
            compound_type=compound_type,
            households=households,
        )
        if parent is None:
            return self.commit(unit)
        parent.attach(unit)
        return self.commit(unit, parent)

    def rename_org_unit(
        self, unit_id: UUID, name: str, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        unit = self.load(OrgUnit, unit_id, expected_version=expected_version)
        unit.rename(name)
        return self.commit(unit)

    def move_compound(
        self, compound_id: UUID, community_id: UUID, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        compound = self.load(OrgUnit, compound_id, expected_version=expected_version)
        new_parent = self.load_reference(OrgUnit, community_id, "community_id")
        old_parent = self.load(OrgUnit, compound.parent_id) if compound.parent_id else new_parent
        compound.move_to(new_parent, old_parent)
        return self.commit(compound, old_parent, new_parent)

    def close_org_unit(
        self, unit_id: UUID, reason: str, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        unit = self.load(OrgUnit, unit_id, expected_version=expected_version)
        parent = self.load(OrgUnit, unit.parent_id) if unit.parent_id else None
        unit.close(reason, parent)
        return self.commit(unit, *([parent] if parent else []))

    def org_ancestry(self, unit_id: UUID, field: str | None = None) -> list[UUID]:
        """The unit's id and its ancestors' ids, nearest first (for scope checks).
        With `field`, a missing unit is bad input naming that field."""
        chain: list[UUID] = []
        current: UUID | None = unit_id
        while current is not None:
            unit = (
                self.load_reference(OrgUnit, current, field)
                if field
                else self.load(OrgUnit, current)
            )
            chain.append(unit.id)
            current = unit.parent_id
        return chain
