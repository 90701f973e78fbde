"""Read model of party organisations and their members over time (R3, R5): the register of
orgs (host, method, kind, covered companies, founded/ended) and one line per membership
change, so the members of a branch on any date D are a sum of the lines up to D."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
)

from domain.party_orgs import PartyOrg
from projections.base import Projection, handles, id_str
from projections.read_scope import EVERYTHING, ReadScope, within
from projections.view import View

metadata = MetaData()

party_orgs = Table(
    "party_orgs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("name", String(100), nullable=False),
    Column("host_kind", String(20), nullable=False),
    Column("method", String(12), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("company_ids", String(4000), nullable=False),
    Column("founded_on", String(10), nullable=False),
    Column("ended_on", String(10)),
    Column("end_reason", String(500)),
    Column("street_id", String(36), index=True),
    Column("community_id", String(36)),
    Column("affiliated_to", String(36)),
    Column("version", Integer, nullable=False),
)

membership_lines = Table(
    "party_membership_lines",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("org_id", String(36), nullable=False, index=True),
    Column("member_ref", String(64), nullable=False),
    Column("change", String(20), nullable=False),
    Column("on", String(10), nullable=False),
    Column("delta", Integer, nullable=False),
)


class PartyOrgsProjection(Projection):
    name = "party_orgs"
    metadata = metadata

    @handles(PartyOrg, "Founded")
    def party_org_founded(self, event: Any, view: View) -> None:
        view.insert(
            "party_orgs",
            {
                "id": str(event.originator_id),
                "code": event.code,
                "name": event.name,
                "host_kind": event.host_kind,
                "method": event.method,
                "kind": event.kind,
                "company_ids": json.dumps([str(c) for c in event.company_ids]),
                "founded_on": event.founded_on.isoformat(),
                "ended_on": None,
                "end_reason": None,
                "street_id": id_str(event.street_id),
                "community_id": id_str(event.community_id),
                "affiliated_to": id_str(event.affiliated_to),
                "version": event.originator_version,
            },
        )

    @handles(PartyOrg, "Dissolved")
    def party_org_dissolved(self, event: Any, view: View) -> None:
        _touch(
            view,
            event,
            ended_on=event.dissolved_on.isoformat(),
            end_reason=event.reason,
        )

    @handles(PartyOrg, "Merged")
    def party_org_merged(self, event: Any, view: View) -> None:
        _touch(
            view,
            event,
            ended_on=event.merged_on.isoformat(),
            end_reason=f"merged into {event.into_id}",
        )

    @handles(PartyOrg, "Absorbed")
    def party_org_absorbed(self, event: Any, view: View) -> None:
        org = view.get("party_orgs", str(event.originator_id))
        assert org is not None
        ids = json.loads(org["company_ids"])
        ids += [str(c) for c in event.company_ids if str(c) not in ids]
        _touch(view, event, company_ids=json.dumps(ids))
        seq = 0
        for ref in event.member_refs:
            for org_id, delta in ((str(event.from_id), -1), (org["id"], 1)):
                _line(view, seq, org_id, ref, "merged", event.on, delta)
                seq += 1

    @handles(PartyOrg, "MemberJoined")
    def party_org_member_joined(self, event: Any, view: View) -> None:
        _member(view, event, "joined", 1)

    @handles(PartyOrg, "MemberTransferredIn")
    def party_org_member_transferred_in(self, event: Any, view: View) -> None:
        _member(view, event, "transferred_in", 1)

    @handles(PartyOrg, "MemberTransferredOut")
    def party_org_member_transferred_out(self, event: Any, view: View) -> None:
        _member(view, event, "transferred_out", -1)

    @handles(PartyOrg, "MemberLeft")
    def party_org_member_left(self, event: Any, view: View) -> None:
        _member(view, event, "left", -1)

    @handles(PartyOrg, "HostedByOwnersCommittee")
    def party_org_hosted_by_owners_committee(self, event: Any, view: View) -> None:
        """No figure of the org changes, but its version (its ETag) does."""
        _touch(view, event)


def _touch(view: View, event: Any, **changes: Any) -> None:
    view.update("party_orgs", str(event.originator_id), version=event.originator_version, **changes)


def _member(view: View, event: Any, change: str, delta: int) -> None:
    _line(view, 0, str(event.originator_id), event.member_ref, change, event.on, delta)
    _touch(view, event)


def _line(view: View, seq: int, org_id: str, ref: str, change: str, on: date, delta: int) -> None:
    view.add(
        "party_membership_lines",
        {
            "position": view.position,
            "seq": seq,
            "org_id": org_id,
            "member_ref": ref,
            "change": change,
            "on": on.isoformat(),
            "delta": delta,
        },
    )


# -- queries ------------------------------------------------------------------------------


def org_as_dict(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data["company_ids"] = json.loads(data["company_ids"])
    return data


def readable(scope: ReadScope) -> Any:
    """The orgs the scope covers: in its street or community, or hosted by its company."""
    t = party_orgs.c
    return within(scope, units=(t.street_id, t.community_id), companies_json=t.company_ids)


def get_org(conn: Connection, org_id: str, scope: ReadScope = EVERYTHING) -> dict[str, Any] | None:
    query = select(party_orgs).where(party_orgs.c.id == org_id, readable(scope))
    row = conn.execute(query).first()
    return org_as_dict(row) if row else None


def list_orgs(
    conn: Connection,
    *,
    street_id: str | None = None,
    active_on: date | None = None,
    scope: ReadScope = EVERYTHING,
) -> list[dict[str, Any]]:
    """Party orgs in the scope; with `active_on`, only those founded on or before that day
    and not dissolved or merged by then (an org ended on D is no longer active on D)."""
    t = party_orgs
    stmt = select(t).where(readable(scope)).order_by(t.c.code)
    if street_id:
        stmt = stmt.where(t.c.street_id == street_id)
    if active_on is not None:
        d = active_on.isoformat()
        stmt = stmt.where(t.c.founded_on <= d, (t.c.ended_on.is_(None)) | (t.c.ended_on > d))
    return [org_as_dict(r) for r in conn.execute(stmt)]


def members_on(conn: Connection, org_id: str, day: date) -> int:
    """Party members of the org on `day` (changes dated on or before `day`)."""
    lines = membership_lines
    stmt = select(func.coalesce(func.sum(lines.c.delta), 0)).where(
        lines.c.org_id == org_id, lines.c["on"] <= day.isoformat()
    )
    return int(conn.execute(stmt).scalar_one())


def member_refs_on(conn: Connection, org_id: str, day: date) -> list[str]:
    lines = membership_lines
    stmt = (
        select(lines.c.member_ref, func.sum(lines.c.delta))
        .where(lines.c.org_id == org_id, lines.c["on"] <= day.isoformat())
        .group_by(lines.c.member_ref)
    )
    return sorted(ref for ref, total in conn.execute(stmt) if total > 0)
