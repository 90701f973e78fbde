"""Handlers of branch life (R6)."""

from __future__ import annotations

from domain.branch_life import BranchMeeting
from domain.branch_life_commands import CancelBranchMeeting, HoldBranchMeeting
from domain.commands import CommandApplication, CommandResult
from domain.errors import InvalidTransition
from domain.handling import HandlerTable
from domain.party_orgs import PartyOrg


def hold_branch_meeting(app: CommandApplication, command: HoldBranchMeeting) -> CommandResult:
    org = app.load(PartyOrg, command.org_id)
    if not org.active:
        raise InvalidTransition("the party organisation is dissolved or merged")
    kind, held_on, title = command.kind, command.held_on, command.title.strip()
    key = BranchMeeting.create_id(org.id, kind, held_on, title)
    app.ensure_new(BranchMeeting, key, f"{kind} on {held_on}")
    meeting = BranchMeeting.hold(
        org_id=org.id,
        org_members=sorted(org.members_on(held_on)),
        org_founded_on=org.founded_on,
        kind=kind,
        held_on=held_on,
        platform=command.platform,
        title=title,
        attendees=command.attendees,
    )
    return app.commit(meeting)


def cancel_branch_meeting(app: CommandApplication, command: CancelBranchMeeting) -> CommandResult:
    meeting = app.load(BranchMeeting, command.meeting_id)
    meeting.cancel_record(command.reason)
    return app.commit(meeting)


HANDLERS: HandlerTable = {
    HoldBranchMeeting: hold_branch_meeting,
    CancelBranchMeeting: cancel_branch_meeting,
}
