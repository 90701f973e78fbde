"""Who may record party-building facts: district admins, and street/community officers whose
scope covers the unit the fact belongs to. Auditors and everyone else only read."""

from __future__ import annotations

from uuid import UUID

from api.auth import require_scope
from api.fields import BusinessDate
from api.schemas import ReadArgs
from api.scope import require_org_scope


def require_unit_scope(*unit_ids: UUID | None) -> None:
    """403 unless the caller's scope covers the first named unit; with no unit, only a
    whole-district scope may record."""
    for unit_id in unit_ids:
        if unit_id is not None:
            require_org_scope(unit_id)
            return
    require_scope([])


class AsOfArgs(ReadArgs):
    as_of = BusinessDate(required=True, metadata={"description": "business date D (YYYY-MM-DD)"})
