"""Handlers of the grid closed loop: one function per command of
`domain.service_issue_commands`, each load → one domain call → commit. Deadlines come from
the SLA policy in force at the business time of the command (the `Occurred-At` of the
request); the reporter's contact is sealed through the application's personal-data vault."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from domain.commands import CommandApplication, CommandResult
from domain.errors import RuleViolation
from domain.handling import HandlerTable
from domain.issue_catalog import mask_phone
from domain.metadata import current_meta
from domain.org_bodies import ISSUE_ROUTING_KINDS
from domain.org_bodies_handlers import body_of_kinds
from domain.org_registry import OrgUnit
from domain.property_companies import CompoundServiceSlot
from domain.service_issue_commands import (
    DEFAULT_POLICY,
    AcceptIssue,
    CloseIssue,
    DefineSlaPolicy,
    EraseReporter,
    GiveIssueFeedback,
    LinkDuplicateIssue,
    MarkIssueHandled,
    OnIssue,
    RecordMissedDeadlines,
    ReferIssueOut,
    ReopenIssue,
    ReportIssue,
    StartHandlingIssue,
)
from domain.service_issues import ServiceIssue
from domain.sla import SHANGHAI, SlaPolicy


def business_now() -> datetime:
    """The business time of the command in force (the `Occurred-At` of the request)."""
    return datetime.fromisoformat(current_meta()["occurred_at"])


# -- write-side queries ------------------------------------------------------------------


def sla_policy(app: CommandApplication, name: str = DEFAULT_POLICY) -> SlaPolicy | None:
    """The named SLA policy with all its versions, or None before it is defined."""
    policy_id = SlaPolicy.create_id(name)
    return app.load(SlaPolicy, policy_id) if policy_id in app.repository else None


def reporter_contact(app: CommandApplication, issue_id: UUID) -> str | None:
    """The reporter's contact in clear (for roles that handle the issue), or None when
    none was given or the reporter's key has been erased."""
    issue = app.load(ServiceIssue, issue_id)
    sealed, ref = issue.reporter_contact_sealed, issue.reporter_ref
    if not sealed or not ref or app.personal_data is None:
        return None
    return app.personal_data.open(ref, sealed)


def _due(app: CommandApplication, stage: str, issue: ServiceIssue) -> datetime | None:
    policy = sla_policy(app)
    if policy is None:
        return None
    return policy.due(stage, business_now(), issue.category, issue.priority)


def _company_serving(app: CommandApplication, compound_id: UUID, moment: datetime) -> UUID | None:
    slot_id = CompoundServiceSlot.create_id(compound_id)
    if slot_id not in app.repository:
        return None
    slot = app.load(CompoundServiceSlot, slot_id)
    return slot.company_on(moment.astimezone(SHANGHAI).date())


def _issue(app: CommandApplication, command: OnIssue) -> ServiceIssue:
    return app.load(ServiceIssue, command.issue_id, expected_version=command.expected_version)


# -- SLA policy ---------------------------------------------------------------------------


def define_sla_policy(app: CommandApplication, command: DefineSlaPolicy) -> CommandResult:
    start = command.effective_from or business_now()
    policy_id = SlaPolicy.create_id(command.name)
    if policy_id in app.repository:
        policy = app.load(SlaPolicy, policy_id)
        policy.revise(command.rules, start)
    else:
        policy = SlaPolicy.define(command.name, command.rules, start)
    return app.commit(policy)


# -- report -------------------------------------------------------------------------------


def report_issue(app: CommandApplication, command: ReportIssue) -> CommandResult:
    compound_id, grid_id = command.compound_id, command.grid_id
    compound = app.load_reference(OrgUnit, compound_id, "compound_id")
    if compound.kind != "compound" or compound.closed:
        raise RuleViolation(f"{compound_id} is not an open compound", field="compound_id")
    if grid_id is not None:
        grid = app.load_reference(OrgUnit, grid_id, "grid_id")
        if grid.kind != "grid" or grid.parent_id != compound.id:
            raise RuleViolation(f"{grid_id} is not a grid of that compound", field="grid_id")
    community_id = compound.parent_id
    street_id = app.load(OrgUnit, community_id).parent_id if community_id else None
    ref = command.source_ref or uuid.uuid4().hex
    app.ensure_new(ServiceIssue, ServiceIssue.create_id(ref), f"issue {ref}")
    now = business_now()
    contact, reporter_ref = command.reporter_contact, command.reporter_ref
    sealed = masked = None
    if contact:
        reporter_ref = reporter_ref or uuid.uuid4().hex
        masked = mask_phone(contact)
        if app.personal_data is not None:
            sealed = app.personal_data.seal(reporter_ref, contact.strip())
    category, priority = command.category, command.priority
    policy = sla_policy(app)
    found = policy.allowance(now, category, priority) if policy else None
    issue = ServiceIssue.report(
        source_ref=ref,
        channel=command.channel,
        category=category,
        priority=priority,
        compound_id=compound.id,
        grid_id=grid_id,
        street_id=street_id,
        community_id=community_id,
        building=command.building,
        description=command.description,
        reported_at=now,
        address=command.address,
        lat=command.lat,
        long=command.long,
        reporter_ref=reporter_ref if contact else None,
        reporter_contact_masked=masked,
        reporter_contact_sealed=sealed,
        accept_due=policy.due("accept", now, category, priority) if policy else None,
        sla_version=found[0] if found else None,
    )
    return app.commit(issue)


# -- lifecycle ----------------------------------------------------------------------------


def accept_issue(app: CommandApplication, command: AcceptIssue) -> CommandResult:
    issue = _issue(app, command)
    due = _due(app, "handle", issue)
    now = business_now()
    served_by = _company_serving(app, issue.compound_id, now)
    body = None
    if command.body_id is not None:
        today = now.astimezone(SHANGHAI).date()
        body = body_of_kinds(app, command.body_id, ISSUE_ROUTING_KINDS, today, "body_id")
    issue.accept(
        company_id=command.company_id,
        department=command.department,
        handle_due=due,
        served_by=served_by,
        body=body,
    )
    return app.commit(issue)


def refer_issue_out(app: CommandApplication, command: ReferIssueOut) -> CommandResult:
    issue = _issue(app, command)
    issue.refer_out(command.reason)
    return app.commit(issue)


def link_duplicate_issue(app: CommandApplication, command: LinkDuplicateIssue) -> CommandResult:
    issue = _issue(app, command)
    issue.link_as_duplicate(app.load_reference(ServiceIssue, command.original_id, "original_id"))
    return app.commit(issue)


def start_handling_issue(app: CommandApplication, command: StartHandlingIssue) -> CommandResult:
    issue = _issue(app, command)
    issue.start_handling()
    return app.commit(issue)


def mark_issue_handled(app: CommandApplication, command: MarkIssueHandled) -> CommandResult:
    issue = _issue(app, command)
    issue.mark_handled(command.resolution, feedback_due=_due(app, "feedback", issue))
    return app.commit(issue)


def give_issue_feedback(app: CommandApplication, command: GiveIssueFeedback) -> CommandResult:
    issue = _issue(app, command)
    issue.give_feedback(command.rating, command.comment, handle_due=_due(app, "handle", issue))
    return app.commit(issue)


def reopen_issue(app: CommandApplication, command: ReopenIssue) -> CommandResult:
    issue = _issue(app, command)
    issue.reopen(command.reason, handle_due=_due(app, "handle", issue))
    return app.commit(issue)


def close_issue(app: CommandApplication, command: CloseIssue) -> CommandResult:
    issue = _issue(app, command)
    issue.close(command.note)
    return app.commit(issue)


# -- SLA tick -----------------------------------------------------------------------------


def record_missed_deadlines(app: CommandApplication, command: RecordMissedDeadlines) -> int:
    """Deterministic in the aggregate, so a second run records nothing; saved in batches."""
    missed, pending = 0, []
    for issue_id in command.issue_ids:
        issue = app.load(ServiceIssue, issue_id)
        if issue.check_deadlines(command.now):
            missed += 1
            pending.append(issue)
        if len(pending) >= command.batch:
            app.save(*pending)
            pending = []
    if pending:
        app.save(*pending)
    return missed


# -- personal data ------------------------------------------------------------------------


def erase_reporter(app: CommandApplication, command: EraseReporter) -> bool:
    if app.personal_data is None:
        return False
    return app.personal_data.forget(command.reporter_ref)


HANDLERS: HandlerTable = {
    DefineSlaPolicy: define_sla_policy,
    ReportIssue: report_issue,
    AcceptIssue: accept_issue,
    ReferIssueOut: refer_issue_out,
    LinkDuplicateIssue: link_duplicate_issue,
    StartHandlingIssue: start_handling_issue,
    MarkIssueHandled: mark_issue_handled,
    GiveIssueFeedback: give_issue_feedback,
    ReopenIssue: reopen_issue,
    CloseIssue: close_issue,
    RecordMissedDeadlines: record_missed_deadlines,
    EraseReporter: erase_reporter,
}
