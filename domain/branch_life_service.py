"""Commands of branch life (R6)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.branch_life import BranchMeeting
from domain.commands import CommandApplication, CommandResult
from domain.errors import InvalidTransition
from domain.party_orgs import PartyOrg


class BranchLifeCommands(CommandApplication):
    def hold_branch_meeting(
        self,
        org_id: UUID,
        *,
        kind: str,
        held_on: date,
        platform: str,
        title: str,
        attendees: list[str],
    ) -> CommandResult:
        org = self.load(PartyOrg, org_id)
        if not org.active:
            raise InvalidTransition("the party organisation is dissolved or merged")
        key = BranchMeeting.create_id(org.id, kind, held_on, title.strip())
        self.ensure_new(BranchMeeting, key, f"{kind} on {held_on}")
        meeting = BranchMeeting.hold(
            org_id=org.id,
            org_members=sorted(org.members_on(held_on)),
            org_founded_on=org.founded_on,
            kind=kind,
            held_on=held_on,
            platform=platform,
            title=title.strip(),
            attendees=attendees,
        )
        return self.commit(meeting)

    def cancel_branch_meeting(self, meeting_id: UUID, reason: str) -> CommandResult:
        meeting = self.load(BranchMeeting, meeting_id)
        meeting.cancel_record(reason)
        return self.commit(meeting)
