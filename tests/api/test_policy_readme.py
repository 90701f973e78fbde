"""The README's "Who may see what" table says what the policy table does: for each role and
kind of record, the basis it reads through the operations its role may call."""

from __future__ import annotations

import re
from pathlib import Path

from api.access_policy import POLICY
from api.read_policy import ALL, ASSESSMENT, ASSESSMENT_SUBJECTS, COMPANY, NONE, OWN, UNIT, basis
from api.roles import ROLES

README = Path(__file__).resolve().parents[2] / "README.md"
# the README's column -> the resource kind it stands for
COLUMNS = {
    "issues": "service_issue",
    "grid workers": "grid_worker",
    "contracts": "contract",
    "party orgs, branch life": "party_org",
    "appointments, posts, places": "party_activity",
    "subsidy payments": "subsidy",
    "budgets, ledger": "subsidy_ledger",
    "company assessments": "company_assessment",
    "community assessments": "community_assessment",
    "drafts": "assessment_draft",
}
WORDS = {"all": ALL, "unit": UNIT, "company": COMPANY, "own": OWN, "—": NONE}


def readme_table() -> dict[tuple[str, str], str]:
    """(role, resource) -> basis, as the README's table says."""
    section = README.read_text(encoding="utf-8").split("## Who may see what", 1)[1]
    lines = [line for line in section.split("\n## ", 1)[0].splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    said: dict[tuple[str, str], str] = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        for role in re.findall(r"`(\w+)`", cells[0]):
            for column, cell in zip(header[2:], cells[2:], strict=True):
                said[(role, COLUMNS[column])] = WORDS[cell]
    return said


def readers(resource: str) -> set[str]:
    """The roles some GET reading the resource allows (drafts: those of the scorecards)."""
    wanted = {resource, ASSESSMENT} if resource in ASSESSMENT_SUBJECTS.values() else {resource}
    if resource == "assessment_draft":
        wanted = {ASSESSMENT}
    return {
        role
        for entry in POLICY.values()
        if entry.read is not None and entry.read.resource in wanted
        for role in entry.roles
    }


def test_the_readme_table_is_the_policy() -> None:
    said = readme_table()
    assert {role for role, _ in said} == set(ROLES)
    assert {resource for _, resource in said} == set(COLUMNS.values())
    policy = {
        (role, resource): basis(role, resource) if role in readers(resource) else NONE
        for role in ROLES
        for resource in COLUMNS.values()
    }
    differ = {key: (said[key], policy[key]) for key in policy if said[key] != policy[key]}
    assert differ == {}, "README says, policy does"


def test_every_scoped_resource_has_a_column() -> None:
    scoped = {e.read.resource for e in POLICY.values() if e.read is not None} - {"public"}
    assert scoped - {ASSESSMENT} <= set(COLUMNS.values())
