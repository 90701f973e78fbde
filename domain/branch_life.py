"""R6 branch life: 三会一课 (branch assembly, branch committee, party group, party lesson),
organisational life meetings and democratic evaluations, each with a date, a platform and
attendees. The minimum frequencies are a rule object (`BranchLifeRules`), not literals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import not_in_future
from domain.errors import InvalidTransition, RuleViolation

MEETING_KINDS = (
    "branch_assembly",  # 支部党员大会
    "branch_committee",  # 支部委员会
    "party_group",  # 党小组会
    "party_lesson",  # 党课
    "org_life_meeting",  # 组织生活会
    "democratic_evaluation",  # 民主评议党员
)
PLATFORMS = (
    "community_party_school",  # 社区党校
    "class_19",  # 19点课堂
    "e_study",  # 网上e学堂
    "secretary_live",  # 书记直播间
    "on_site",  # 现场
    "door_to_door",  # 上门
)
PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class BranchLifeRules:
    """How often each kind must be held at least, and which kinds count as study sessions."""

    minimums: dict[str, tuple[int, str]] = field(
        default_factory=lambda: {
            "branch_assembly": (1, "quarter"),
            "party_lesson": (1, "quarter"),
            "branch_committee": (1, "month"),
            "party_group": (1, "month"),
        }
    )
    study_kinds: tuple[str, ...] = ("party_lesson", "branch_assembly")

    def __post_init__(self) -> None:
        for kind, (count, period) in self.minimums.items():
            if kind not in MEETING_KINDS or period not in PERIODS or count < 0:
                raise RuleViolation(f"bad minimum rule for {kind}", field="minimums")


DEFAULT_RULES = BranchLifeRules()


class BranchMeeting(LedgerAggregate):
    @staticmethod
    def create_id(org_id: UUID, kind: str, held_on: date, title: str, **_: object) -> UUID:
        return natural_id("branch-meeting", org_id, kind, held_on.isoformat(), title)

    @classmethod
    def hold(
        cls,
        *,
        org_id: UUID,
        org_members: list[str],
        org_founded_on: date,
        kind: str,
        held_on: date,
        platform: str,
        title: str,
        attendees: list[str],
    ) -> BranchMeeting:
        if kind not in MEETING_KINDS:
            raise RuleViolation(f"kind must be one of {', '.join(MEETING_KINDS)}", field="kind")
        if platform not in PLATFORMS:
            raise RuleViolation(f"platform must be one of {', '.join(PLATFORMS)}", field="platform")
        not_in_future(held_on, "held_on")
        if held_on < org_founded_on:
            raise RuleViolation("the meeting is dated before the org was founded", field="held_on")
        unknown = sorted(set(attendees) - set(org_members))
        if unknown:
            raise RuleViolation(
                f"not members of the org on {held_on}: {', '.join(unknown)}", field="attendees"
            )
        if len(set(attendees)) != len(attendees):
            raise RuleViolation("an attendee is named twice", field="attendees")
        return cls(
            org_id=org_id,
            kind=kind,
            held_on=held_on,
            platform=platform,
            title=require_text(title, "title", max_len=200),
            attendees=list(attendees),
        )

    @event("Held")
    def __init__(
        self,
        *,
        org_id: UUID,
        kind: str,
        held_on: date,
        platform: str,
        title: str,
        attendees: list[str],
    ) -> None:
        self.org_id = org_id
        self.kind = kind
        self.held_on = held_on
        self.cancelled = False

    def cancel_record(self, reason: str) -> None:
        if self.cancelled:
            raise InvalidTransition("the record is already cancelled")
        self._cancelled(reason=require_text(reason, "reason", max_len=500))

    @event("RecordCancelled")
    def _cancelled(self, reason: str) -> None:
        self.cancelled = True
