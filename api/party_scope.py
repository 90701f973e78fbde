"""Who may record party-building facts: district admins, and street/community officers whose
scope covers the unit the fact belongs to. Auditors and everyone else only read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from api.auth import principal, require_scope
from api.fields import BusinessDate
from api.schemas import ReadArgs
from api.scope import found, fresh_row, require_org_scope
from projections import party_orgs

PARTY_ORGS = party_orgs.PartyOrgsProjection.name


def require_unit_scope(*unit_ids: UUID | str | None) -> None:
    """403 unless the caller's scope covers the first named unit; with no unit, only a
    whole-district scope may record."""
    for unit_id in unit_ids:
        if unit_id is not None:
            require_org_scope(UUID(str(unit_id)))
            return
    require_scope([])


def party_org(
    org_id: UUID | str, *, covering: Callable[[dict[str, Any]], Iterable[Any]] | None = None
) -> dict[str, Any]:
    """The party org's read-model row (404 if unknown); with `covering`, read again at the
    head of the log when the caller's scope covers none of the ids it names."""
    covered = None if covering is None else (lambda row: principal().covers(covering(row)))
    row = fresh_row(PARTY_ORGS, lambda conn: party_orgs.get_org(conn, str(org_id)), covered=covered)
    return found(row, "PartyOrg", org_id)


def require_party_org_scope(org_id: UUID | str) -> dict[str, Any]:
    """The party org's row, 403 unless the caller's scope covers its community (or street)."""
    org = party_org(org_id)
    require_unit_scope(org["community_id"], org["street_id"])
    return org


class AsOfArgs(ReadArgs):
    as_of = BusinessDate(required=True, metadata={"description": "business date D (YYYY-MM-DD)"})
