"""Read model of owners' committees (R4): term, members, party-member share and the share
of members from the community's two committees."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Integer, MetaData, String, Table, select

from domain.owners_committees import OwnersCommittee
from projections.base import Projection, handles
from projections.view import View

metadata = MetaData()

owners_committees = Table(
    "owners_committees",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("compound_id", String(36), nullable=False, index=True),
    Column("community_id", String(36), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("term_starts", String(10), nullable=False),
    Column("term_ends", String(10), nullable=False),
    Column("members", Integer, nullable=False),
    Column("party_members", Integer, nullable=False),
    Column("from_two_committees", Integer, nullable=False),
    Column("dissolved", Boolean, nullable=False),
    Column("dissolved_on", String(10)),
    Column("version", Integer, nullable=False),
)


class OwnersCommitteesProjection(Projection):
    name = "owners_committees"
    metadata = metadata

    @handles(OwnersCommittee, "Elected")
    def owners_committee_elected(self, event: Any, view: View) -> None:
        view.insert(
            "owners_committees",
            {
                "id": str(event.originator_id),
                "compound_id": str(event.compound_id),
                "community_id": str(event.community_id),
                "name": event.name,
                "term_starts": event.term_starts.isoformat(),
                "term_ends": event.term_ends.isoformat(),
                "members": len(event.members),
                "party_members": sum(1 for m in event.members if m["party_member"]),
                "from_two_committees": sum(1 for m in event.members if m["from_two_committees"]),
                "dissolved": False,
                "dissolved_on": None,
                "version": event.originator_version,
            },
        )

    @handles(OwnersCommittee, "Dissolved")
    def owners_committee_dissolved(self, event: Any, view: View) -> None:
        view.update(
            "owners_committees",
            str(event.originator_id),
            dissolved=True,
            dissolved_on=event.on.isoformat(),
            version=event.originator_version,
        )

    @handles(OwnersCommittee, "PartyOrgLinked", "PartyOrgUnlinked")
    def owners_committee_party_org_changed(self, event: Any, view: View) -> None:
        """A party-org link moves the committee's version (its ETag), not its figures."""
        view.update("owners_committees", str(event.originator_id), version=event.originator_version)


def committees_with_party_share(
    conn: Connection, *, community_id: str | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """Committees with their party-member share; with `as_of`, only those in office on that
    day (term started, not ended, not dissolved by then)."""
    t = owners_committees
    stmt = select(t).order_by(t.c.term_starts)
    if community_id:
        stmt = stmt.where(t.c.community_id == community_id)
    if as_of is not None:
        d = as_of.isoformat()
        stmt = stmt.where(t.c.term_starts <= d, t.c.term_ends >= d)
    out = []
    for row in conn.execute(stmt):
        if as_of is not None and row.dissolved_on is not None and row.dissolved_on <= d:
            continue
        out.append(_with_share(row))
    return out


def get_committee(conn: Connection, committee_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(owners_committees).where(owners_committees.c.id == committee_id))
    found = row.first()
    return _with_share(found) if found else None


def _with_share(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data["party_member_share_pct"] = round(100.0 * data["party_members"] / data["members"], 1)
    return data
