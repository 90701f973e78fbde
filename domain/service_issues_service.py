"""Commands of the grid closed loop (R9/R15): report → accept/refer → handle → feedback →
close, with SLA deadlines from the policy in force and an idempotent deadline check."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ExpectedVersion
from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.issue_catalog import mask_phone
from domain.metadata import current_meta
from domain.org_registry import OrgUnit
from domain.personal_data import PersonalDataVault
from domain.property_companies import CompoundServiceSlot
from domain.service_issues import ServiceIssue
from domain.sla import SHANGHAI, SlaPolicy

DEFAULT_POLICY = "default"


def business_now() -> datetime:
    """The business time of the command in force (the `Occurred-At` of the request)."""
    return datetime.fromisoformat(current_meta()["occurred_at"])


class ServiceIssueCommands(CommandApplication):
    personal_data: PersonalDataVault | None = None  # set by the composition root

    # -- SLA policy -----------------------------------------------------------------------

    def define_sla_policy(
        self,
        rules: list[dict[str, Any]],
        *,
        name: str = DEFAULT_POLICY,
        effective_from: datetime | None = None,
    ) -> CommandResult:
        start = effective_from or business_now()
        policy_id = SlaPolicy.create_id(name)
        if policy_id in self.repository:
            policy = self.load(SlaPolicy, policy_id)
            policy.revise(rules, start)
        else:
            policy = SlaPolicy.define(name, rules, start)
        return self.commit(policy)

    def sla_policy(self, name: str = DEFAULT_POLICY) -> SlaPolicy | None:
        policy_id = SlaPolicy.create_id(name)
        return self.load(SlaPolicy, policy_id) if policy_id in self.repository else None

    def _due(self, stage: str, issue: ServiceIssue) -> datetime | None:
        policy = self.sla_policy()
        if policy is None:
            return None
        return policy.due(stage, business_now(), issue.category, issue.priority)

    # -- report ---------------------------------------------------------------------------

    def report_issue(
        self,
        *,
        channel: str,
        category: str,
        compound_id: UUID,
        description: str,
        grid_id: UUID | None = None,
        building: str | None = None,
        priority: str = "normal",
        source_ref: str | None = None,
        address: str | None = None,
        lat: float | None = None,
        long: float | None = None,
        reporter_contact: str | None = None,
        reporter_ref: str | None = None,
    ) -> CommandResult:
        compound = self.load_reference(OrgUnit, compound_id, "compound_id")
        if compound.kind != "compound" or compound.closed:
            raise RuleViolation(f"{compound_id} is not an open compound", field="compound_id")
        if grid_id is not None:
            grid = self.load_reference(OrgUnit, grid_id, "grid_id")
            if grid.kind != "grid" or grid.parent_id != compound.id:
                raise RuleViolation(f"{grid_id} is not a grid of that compound", field="grid_id")
        community_id = compound.parent_id
        street_id = self.load(OrgUnit, community_id).parent_id if community_id else None
        ref = source_ref or uuid.uuid4().hex
        self.ensure_new(ServiceIssue, ServiceIssue.create_id(ref), f"issue {ref}")
        now = business_now()
        sealed = masked = None
        if reporter_contact:
            reporter_ref = reporter_ref or uuid.uuid4().hex
            masked = mask_phone(reporter_contact)
            if self.personal_data is not None:
                sealed = self.personal_data.seal(reporter_ref, reporter_contact.strip())
        policy = self.sla_policy()
        found = policy.allowance(now, category, priority) if policy else None
        issue = ServiceIssue.report(
            source_ref=ref,
            channel=channel,
            category=category,
            priority=priority,
            compound_id=compound.id,
            grid_id=grid_id,
            street_id=street_id,
            community_id=community_id,
            building=building,
            description=description,
            reported_at=now,
            address=address,
            lat=lat,
            long=long,
            reporter_ref=reporter_ref if reporter_contact else None,
            reporter_contact_masked=masked,
            reporter_contact_sealed=sealed,
            accept_due=policy.due("accept", now, category, priority) if policy else None,
            sla_version=found[0] if found else None,
        )
        return self.commit(issue)

    # -- lifecycle ------------------------------------------------------------------------

    def _issue(self, issue_id: UUID, expected_version: ExpectedVersion) -> ServiceIssue:
        return self.load(ServiceIssue, issue_id, expected_version=expected_version)

    def accept_issue(
        self,
        issue_id: UUID,
        *,
        company_id: UUID | None = None,
        department: str | None = None,
        expected_version: ExpectedVersion = None,
    ) -> CommandResult:
        issue = self._issue(issue_id, expected_version)
        due = self._due("handle", issue)
        served_by = self._company_serving(issue.compound_id, business_now())
        issue.accept(
            company_id=company_id, department=department, handle_due=due, served_by=served_by
        )
        return self.commit(issue)

    def _company_serving(self, compound_id: UUID, moment: datetime) -> UUID | None:
        slot_id = CompoundServiceSlot.create_id(compound_id)
        if slot_id not in self.repository:
            return None
        slot = self.load(CompoundServiceSlot, slot_id)
        return slot.company_on(moment.astimezone(SHANGHAI).date())

    def refer_issue_out(
        self, issue_id: UUID, reason: str, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        issue = self._issue(issue_id, expected_version)
        issue.refer_out(reason)
        return self.commit(issue)

    def link_duplicate_issue(
        self, issue_id: UUID, original_id: UUID, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        issue = self._issue(issue_id, expected_version)
        issue.link_as_duplicate(self.load_reference(ServiceIssue, original_id, "original_id"))
        return self.commit(issue)

    def start_handling_issue(
        self, issue_id: UUID, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        issue = self._issue(issue_id, expected_version)
        issue.start_handling()
        return self.commit(issue)

    def mark_issue_handled(
        self, issue_id: UUID, resolution: str, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        issue = self._issue(issue_id, expected_version)
        issue.mark_handled(resolution, feedback_due=self._due("feedback", issue))
        return self.commit(issue)

    def give_issue_feedback(
        self,
        issue_id: UUID,
        rating: str,
        comment: str | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> CommandResult:
        issue = self._issue(issue_id, expected_version)
        issue.give_feedback(rating, comment, handle_due=self._due("handle", issue))
        return self.commit(issue)

    def reopen_issue(
        self, issue_id: UUID, reason: str, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        issue = self._issue(issue_id, expected_version)
        issue.reopen(reason, handle_due=self._due("handle", issue))
        return self.commit(issue)

    def close_issue(
        self, issue_id: UUID, note: str | None = None, *, expected_version: ExpectedVersion = None
    ) -> CommandResult:
        issue = self._issue(issue_id, expected_version)
        issue.close(note)
        return self.commit(issue)

    # -- SLA tick -------------------------------------------------------------------------

    def record_missed_deadlines(
        self, issue_ids: Iterable[UUID], now: datetime, *, batch: int = 200
    ) -> int:
        """Check each issue's current deadline at `now`; save what is newly missed.
        Deterministic in the aggregate, so a second run records nothing."""
        missed, pending = 0, []
        for issue_id in issue_ids:
            issue = self.load(ServiceIssue, issue_id)
            if issue.check_deadlines(now):
                missed += 1
                pending.append(issue)
            if len(pending) >= batch:
                self.save(*pending)
                pending = []
        if pending:
            self.save(*pending)
        return missed

    # -- personal data --------------------------------------------------------------------

    def reporter_contact(self, issue_id: UUID) -> str | None:
        """The reporter's contact in clear (for roles that handle the issue), or None
        when none was given or the reporter's key has been erased."""
        issue = self.load(ServiceIssue, issue_id)
        sealed, ref = issue.reporter_contact_sealed, issue.reporter_ref
        if not sealed or not ref or self.personal_data is None:
            return None
        return self.personal_data.open(ref, sealed)

    def erase_reporter(self, reporter_ref: str) -> bool:
        """Forget the reporter's key: every sealed contact of theirs becomes unreadable."""
        if self.personal_data is None:
            return False
        return self.personal_data.forget(reporter_ref)
