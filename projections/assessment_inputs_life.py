"""Assessment input facts from branch life (R6): the 三会一课 meetings a party
organisation holds count for the subjects it covers — the companies linked to it
(`PropertyCompany.PartyOrgLinked`) and the community hosting it — in the month of the
meeting's date (`held_on`); a cancelled record is taken back in that month.
"""

from __future__ import annotations

from typing import Any

from domain.branch_life import BranchMeeting
from domain.indicators import MEETING_RULE
from projections.assessment_facts import COMMUNITY, COMPANY, add_fact_in_month
from projections.base import handles
from projections.view import View


def org_row(view: View, org_id: str) -> dict[str, Any]:
    row = view.get("assessment_orgs", org_id)
    if row is None:
        row = view.put("assessment_orgs", {"id": org_id, "community_id": None, "company_ids": ""})
    return row


def link_company(view: View, org_id: str, company_id: str, *, linked: bool) -> None:
    companies = set((org_row(view, org_id)["company_ids"] or "").split())
    companies = companies | {company_id} if linked else companies - {company_id}
    view.update("assessment_orgs", org_id, company_ids=" ".join(sorted(companies)))


def _covered(view: View, org_id: str) -> list[tuple[str, str | None]]:
    org = view.get("assessment_orgs", org_id)
    if org is None:
        return []
    companies = [(COMPANY, c) for c in (org["company_ids"] or "").split()]
    return [*companies, (COMMUNITY, org["community_id"])]


class BranchLifeInputs:
    @handles(BranchMeeting, "Held")
    def branch_meeting_held(self, event: Any, view: View) -> None:
        fact = f"meetings_{event.kind}"
        if fact not in MEETING_RULE:  # e.g. the organisational life meeting
            return
        month = f"{event.held_on:%Y-%m}"
        org_id = str(event.org_id)
        row = {"id": str(event.originator_id), "org_id": org_id, "fact": fact, "month": month}
        view.put("assessment_meetings", row)
        add_fact_in_month(view, month, _covered(view, org_id), fact)

    @handles(BranchMeeting, "RecordCancelled")
    def branch_meeting_record_cancelled(self, event: Any, view: View) -> None:
        meeting = view.get("assessment_meetings", str(event.originator_id))
        if meeting is not None:
            subjects = _covered(view, meeting["org_id"])
            add_fact_in_month(view, meeting["month"], subjects, meeting["fact"], -1)
