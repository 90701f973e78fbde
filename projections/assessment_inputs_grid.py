"""Assessment input facts from the org registry and the grid closed loop (R1, R9).

Subjects: a community is scored on the issues of its compounds; a company on the issues
routed to it (`Accepted.company_id`); complaints are the items accepted for a company
(`domain.indicators.is_complaint`), taken back when the item is later referred out or
linked as a duplicate.

The cohort counts of `domain.figures` (response, resolution, satisfaction, complaint
rates) are written in the month the issue was reported, whenever the event behind them
happens, so a period's sum is the state of its reported issues at the position read.
"""

from __future__ import annotations

from typing import Any

from domain.figures import (
    COMPLAINTS,
    REPORTED,
    REPORTED_ACCEPTED,
    REPORTED_ACCEPTED_ON_TIME,
    REPORTED_RESOLVED,
    REPORTED_SATISFIED,
    REPORTED_WITH_FEEDBACK,
)
from domain.grid_workers import GridWorkerAssessment
from domain.indicators import is_complaint
from domain.issue_catalog import POSITIVE_RATINGS
from domain.org_registry import OrgUnit
from domain.service_issues import ServiceIssue
from projections.assessment_facts import (
    COMMUNITY,
    COMPANY,
    SHANGHAI,
    add_fact,
    add_fact_in_month,
    due_met,
    month_of,
    put_subject,
)
from projections.base import handles, id_str
from projections.view import View


def last_month_of(period: str) -> str:
    year, part = period.split("-")
    return f"{year}-{int(part[1]) * 3:02d}" if part.startswith("Q") else period


def _households(view: View, event: Any, compound: dict[str, Any], sign: int) -> None:
    subjects = [(COMMUNITY, compound["community_id"]), (COMPANY, compound["company_id"])]
    add_fact(view, event, subjects, "households_under_contract", sign * compound["households"])


def _issue_subjects(issue: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(COMMUNITY, issue["community_id"]), (COMPANY, issue["company_id"])]


def _cohort(view: View, issue: dict[str, Any], count: str, value: int = 1) -> None:
    """A cohort count of `domain.figures`, in the month the issue was reported."""
    add_fact_in_month(view, issue["reported_month"], _issue_subjects(issue), count, value)


class GridInputs:
    @handles(OrgUnit, "Registered")
    def org_unit_registered(self, event: Any, view: View) -> None:
        unit_id = str(event.originator_id)
        if event.kind == "community":
            put_subject(view, COMMUNITY, unit_id, event.name)
        elif event.kind == "compound":
            compound = {
                "id": unit_id,
                "community_id": id_str(event.parent_id),
                "company_id": None,
                "households": event.households or 0,
            }
            view.put("assessment_compounds", compound)
            _households(view, event, compound, +1)

    @handles(OrgUnit, "Renamed")
    def org_unit_renamed(self, event: Any, view: View) -> None:
        row = view.get("assessment_subjects", COMMUNITY, str(event.originator_id))
        if row is not None:
            view.update("assessment_subjects", COMMUNITY, row["id"], name=event.name)

    @handles(OrgUnit, "Moved")
    def org_unit_moved(self, event: Any, view: View) -> None:
        compound = view.get("assessment_compounds", str(event.originator_id))
        if compound is None:
            return
        add_fact(
            view,
            event,
            [(COMMUNITY, compound["community_id"])],
            "households_under_contract",
            -compound["households"],
        )
        compound = view.update(
            "assessment_compounds", compound["id"], community_id=str(event.to_parent_id)
        )
        add_fact(
            view,
            event,
            [(COMMUNITY, compound["community_id"])],
            "households_under_contract",
            compound["households"],
        )

    @handles(OrgUnit, "Closed")
    def org_unit_closed(self, event: Any, view: View) -> None:
        compound = view.get("assessment_compounds", str(event.originator_id))
        if compound is not None:
            add_fact(
                view,
                event,
                [(COMMUNITY, compound["community_id"])],
                "households_under_contract",
                -compound["households"],
            )
            view.update("assessment_compounds", compound["id"], households=0)

    # -- service issues -------------------------------------------------------------------

    @handles(ServiceIssue, "Reported")
    def service_issue_reported(self, event: Any, view: View) -> None:
        compound = view.get("assessment_compounds", id_str(event.compound_id)) or {}
        issue = {
            "id": str(event.originator_id),
            "compound_id": id_str(event.compound_id),
            "community_id": id_str(event.community_id) or compound.get("community_id"),
            "company_id": None,
            "accept_due": event.accept_due.isoformat() if event.accept_due else None,
            "handle_due": None,
            "missed": "",
            "accepted_month": None,
            "reported_month": event.reported_at.astimezone(SHANGHAI).strftime("%Y-%m"),
            "last_rating": None,
        }
        view.put("assessment_issues", issue)
        subjects = [(COMMUNITY, issue["community_id"]), (COMPANY, compound.get("company_id"))]
        add_fact_in_month(view, issue["reported_month"], subjects, REPORTED)

    @handles(ServiceIssue, "Accepted")
    def service_issue_accepted(self, event: Any, view: View) -> None:
        issue = view.update(
            "assessment_issues",
            str(event.originator_id),
            company_id=id_str(event.company_id),
            handle_due=event.handle_due.isoformat() if event.handle_due else None,
            accepted_month=month_of(event),
        )
        _cohort(view, issue, REPORTED_ACCEPTED)
        if is_complaint(issue["company_id"], "accepted"):
            _cohort(view, issue, COMPLAINTS)
        if due_met(event, issue["accept_due"]) and "accept" not in issue["missed"]:
            _cohort(view, issue, REPORTED_ACCEPTED_ON_TIME)

    @handles(ServiceIssue, "ReferredOut")
    def service_issue_referred_out(self, event: Any, view: View) -> None:
        self._no_longer_a_complaint(event, view, "referred_out")

    @handles(ServiceIssue, "LinkedAsDuplicate")
    def service_issue_linked_as_duplicate(self, event: Any, view: View) -> None:
        self._no_longer_a_complaint(event, view, "duplicate")

    def _no_longer_a_complaint(self, event: Any, view: View, state: str) -> None:
        issue = view.get("assessment_issues", str(event.originator_id))
        if issue is None or issue["accepted_month"] is None:
            return
        if is_complaint(issue["company_id"], "accepted") and not is_complaint(
            issue["company_id"], state
        ):
            _cohort(view, issue, COMPLAINTS, -1)

    @handles(ServiceIssue, "Handled")
    def service_issue_handled(self, event: Any, view: View) -> None:
        issue = view.get("assessment_issues", str(event.originator_id))
        assert issue is not None
        subjects = _issue_subjects(issue)
        add_fact(view, event, subjects, "issues_handled")
        if due_met(event, issue["handle_due"]) and "handle" not in issue["missed"]:
            add_fact(view, event, subjects, "issues_handled_on_time")

    @handles(ServiceIssue, "FeedbackGiven")
    def service_issue_feedback_given(self, event: Any, view: View) -> None:
        issue = view.get("assessment_issues", str(event.originator_id))
        assert issue is not None
        before = issue["last_rating"]
        if before is None:
            _cohort(view, issue, REPORTED_WITH_FEEDBACK)
        was, now = before in POSITIVE_RATINGS, event.rating in POSITIVE_RATINGS
        if was != now:
            _cohort(view, issue, REPORTED_SATISFIED, 1 if now else -1)
        view.update("assessment_issues", issue["id"], last_rating=event.rating)

    @handles(ServiceIssue, "Reopened")
    def service_issue_reopened(self, event: Any, view: View) -> None:
        issue = view.update(
            "assessment_issues",
            str(event.originator_id),
            handle_due=event.handle_due.isoformat() if event.handle_due else None,
            missed="",
        )
        add_fact(view, event, _issue_subjects(issue), "issues_reopened")

    @handles(ServiceIssue, "Closed")
    def service_issue_closed(self, event: Any, view: View) -> None:
        issue = view.get("assessment_issues", str(event.originator_id))
        assert issue is not None
        if issue["last_rating"] in POSITIVE_RATINGS:
            _cohort(view, issue, REPORTED_RESOLVED)

    @handles(ServiceIssue, "DeadlineMissed")
    def service_issue_deadline_missed(self, event: Any, view: View) -> None:
        issue = view.get("assessment_issues", str(event.originator_id))
        assert issue is not None
        view.update(
            "assessment_issues", issue["id"], missed=f"{issue['missed']} {event.stage}".strip()
        )

    # -- grid-worker assessments (R10) ----------------------------------------------------

    @handles(GridWorkerAssessment, "Recorded")
    def grid_worker_assessment_recorded(self, event: Any, view: View) -> None:
        """Counted in the last month of the assessed period ("2020-07", "2020-Q3"):
        one assessment per score line (worker x dimension), points = the line's score."""
        month = last_month_of(event.period)
        company = [(COMPANY, id_str(event.company_id))]
        points = sum(line["score"] for line in event.lines)
        add_fact_in_month(view, month, company, "grid_assessments", len(event.lines))
        add_fact_in_month(view, month, company, "grid_assessment_points", points)
