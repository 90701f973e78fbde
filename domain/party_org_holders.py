"""A body hosting at most one active party organisation at a time (R3): a property company
or an owners' committee. The holder aggregate declares the two events itself
(`_party_org_linked`, `_party_org_unlinked`), so their stored topics name its class."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import AlreadyExists


class PartyOrgHolder:
    holder_label = "body"

    if TYPE_CHECKING:
        name: str
        party_org_id: UUID | None

        def _party_org_linked(self, party_org_id: UUID, on: date) -> None: ...

        def _party_org_unlinked(self, party_org_id: UUID, on: date) -> None: ...

    def link_party_org(self, party_org_id: UUID, on: date) -> None:
        if self.party_org_id is not None and self.party_org_id != party_org_id:
            raise AlreadyExists(
                f"{self.holder_label} {self.name} already has an active party organisation "
                f"({self.party_org_id})"
            )
        if self.party_org_id is None:
            self._party_org_linked(party_org_id=party_org_id, on=on)

    def unlink_party_org(self, party_org_id: UUID, on: date) -> None:
        if self.party_org_id == party_org_id:
            self._party_org_unlinked(party_org_id=party_org_id, on=on)
