"""R1/R8 org registry: district → street → community → compound → grid.

One aggregate type, `OrgUnit`, with a kind. A parent keeps the set of its open children,
so a unit with open children cannot be closed and a compound's move updates both
communities atomically (the service saves child and parents together).
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.errors import InvalidTransition, RuleViolation


class OrgKind(StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    COMPOUND = "compound"
    GRID = "grid"


PARENT_KIND: dict[OrgKind, OrgKind | None] = {
    OrgKind.DISTRICT: None,
    OrgKind.STREET: OrgKind.DISTRICT,
    OrgKind.COMMUNITY: OrgKind.STREET,
    OrgKind.COMPOUND: OrgKind.COMMUNITY,
    OrgKind.GRID: OrgKind.COMPOUND,
}


class CompoundType(StrEnum):
    """R8 compound classification; each type has its own management focus."""

    COMMERCIAL = "commercial"  # 成熟商品房小区: quality of life
    RESETTLEMENT = "resettlement"  # 拆迁安置房小区: resolving conflicts
    WORK_UNIT_DORMITORY = "work_unit_dormitory"  # 单位宿舍小区: residents' self-governance
    OPEN = "open"  # 开放式小区: infrastructure


COMPOUND_FOCUS = {
    CompoundType.COMMERCIAL: ("提升生活品质", "quality of life"),
    CompoundType.RESETTLEMENT: ("化解矛盾问题", "resolving conflicts"),
    CompoundType.WORK_UNIT_DORMITORY: ("发动居民自治", "residents' self-governance"),
    CompoundType.OPEN: ("改善基础设施", "infrastructure"),
}

KIND_LABELS = {
    OrgKind.DISTRICT: "区",
    OrgKind.STREET: "街道",
    OrgKind.COMMUNITY: "社区",
    OrgKind.COMPOUND: "小区",
    OrgKind.GRID: "网格",
}


class OrgUnit(LedgerAggregate):
    @staticmethod
    def create_id(kind: str, code: str, **_: object) -> UUID:
        return natural_id("org-unit", kind, code)

    @classmethod
    def register(
        cls,
        *,
        kind: str,
        code: str,
        name: str,
        parent: OrgUnit | None,
        compound_type: str | None = None,
        households: int | None = None,
    ) -> OrgUnit:
        org_kind = _parse_kind(kind)
        _check_parent(org_kind, parent)
        if org_kind is OrgKind.COMPOUND:
            if compound_type is None:
                raise RuleViolation("a compound needs a compound_type", field="compound_type")
            compound_type = _parse_compound_type(compound_type)
            if households is not None and households < 0:
                raise RuleViolation("households cannot be negative", field="households")
        elif compound_type is not None or households is not None:
            raise RuleViolation(
                "only compounds have a compound_type and households", field="compound_type"
            )
        return cls(
            kind=org_kind.value,
            code=require_text(code, "code", max_len=40),
            name=require_text(name, "name", max_len=100),
            parent_id=parent.id if parent else None,
            compound_type=compound_type,
            households=households,
        )

    @event("Registered")
    def __init__(
        self,
        *,
        kind: str,
        code: str,
        name: str,
        parent_id: UUID | None,
        compound_type: str | None,
        households: int | None,
    ) -> None:
        self.kind = kind
        self.code = code
        self.name = name
        self.parent_id = parent_id
        self.compound_type = compound_type
        self.households = households
        self.open_children: list[UUID] = []
        self.closed = False

    # -- commands -------------------------------------------------------------------------

    def rename(self, name: str) -> None:
        self._check_open()
        new_name = require_text(name, "name", max_len=100)
        if new_name != self.name:
            self._renamed(name=new_name)

    def move_to(self, new_parent: OrgUnit, old_parent: OrgUnit) -> None:
        self._check_open()
        if self.kind != OrgKind.COMPOUND:
            raise InvalidTransition("only a compound can be moved to another community")
        _check_parent(OrgKind.COMPOUND, new_parent)
        if new_parent.id == self.parent_id:
            raise RuleViolation("the compound is already in that community", field="community_id")
        self._moved(from_parent_id=old_parent.id, to_parent_id=new_parent.id)
        old_parent._child_detached(child_id=self.id)
        new_parent._child_attached(child_id=self.id)

    def close(self, reason: str, parent: OrgUnit | None) -> None:
        self._check_open()
        if self.open_children:
            raise InvalidTransition(
                f"{len(self.open_children)} open units are still under this one; close or move them first"
            )
        self._closed(reason=require_text(reason, "reason", max_len=500))
        if parent is not None:
            parent._child_detached(child_id=self.id)

    def attach(self, child: OrgUnit) -> None:
        """Record a newly registered child (the parent's side of a registration)."""
        self._child_attached(child_id=child.id)

    # -- events ---------------------------------------------------------------------------

    @event("Renamed")
    def _renamed(self, name: str) -> None:
        self.name = name

    @event("Moved")
    def _moved(self, from_parent_id: UUID, to_parent_id: UUID) -> None:
        self.parent_id = to_parent_id

    @event("Closed")
    def _closed(self, reason: str) -> None:
        self.closed = True

    @event("ChildAttached")
    def _child_attached(self, child_id: UUID) -> None:
        self.open_children.append(child_id)

    @event("ChildDetached")
    def _child_detached(self, child_id: UUID) -> None:
        self.open_children.remove(child_id)

    def _check_open(self) -> None:
        if self.closed:
            raise InvalidTransition(f"{self.kind} {self.code} is closed")


def _parse_kind(kind: str) -> OrgKind:
    try:
        return OrgKind(kind)
    except ValueError:
        raise RuleViolation(f"unknown kind {kind!r}", field="kind") from None


def _parse_compound_type(value: str) -> str:
    try:
        return CompoundType(value).value
    except ValueError:
        allowed = ", ".join(t.value for t in CompoundType)
        raise RuleViolation(
            f"unknown compound_type {value!r} (one of {allowed})", field="compound_type"
        ) from None


def _check_parent(kind: OrgKind, parent: OrgUnit | None) -> None:
    expected = PARENT_KIND[kind]
    if expected is None:
        if parent is not None:
            raise RuleViolation("a district has no parent", field="parent_id")
        return
    if parent is None:
        raise RuleViolation(f"a {kind.value} needs a parent {expected.value}", field="parent_id")
    if parent.kind != expected:
        raise RuleViolation(
            f"a {kind.value} belongs to a {expected.value}, not a {parent.kind}", field="parent_id"
        )
    if parent.closed:
        raise InvalidTransition(f"the parent {parent.kind} {parent.code} is closed")
