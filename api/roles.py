"""The one table of roles: every role a token may carry, and the named groups endpoints
allow. An endpoint names a group here rather than spelling out roles of its own."""

from __future__ import annotations

DISTRICT_ADMIN = "district_admin"
STREET_OFFICER = "street_officer"
COMMUNITY_OFFICER = "community_officer"
COMPANY_MANAGER = "company_manager"
GRID_WORKER = "grid_worker"
OWNERS_COMMITTEE = "owners_committee"
RESIDENT = "resident"
AUDITOR = "auditor"

ROLES = (
    DISTRICT_ADMIN,
    STREET_OFFICER,
    COMMUNITY_OFFICER,
    COMPANY_MANAGER,
    GRID_WORKER,
    OWNERS_COMMITTEE,
    RESIDENT,
    AUDITOR,
)
ALL_ROLES = frozenset(ROLES)

# Signed-in readers: every role.
READERS = ALL_ROLES
# Officers of the district, a street or a community: they record what happens in their scope.
OFFICERS = (DISTRICT_ADMIN, STREET_OFFICER, COMMUNITY_OFFICER)
# Those who administer funding: the district and the streets that hold budgets.
FUNDING_OFFICERS = (DISTRICT_ADMIN, STREET_OFFICER)
# Who reads the subsidy ledger and its payments.
LEDGER_READERS = (DISTRICT_ADMIN, STREET_OFFICER, AUDITOR)
# Who reads entitlements: the ledger's readers and the managers of the branches' companies.
ENTITLEMENT_READERS = (*LEDGER_READERS, COMPANY_MANAGER)
# Who applies for a subsidy: the branch's company manager, or the district for it.
SUBSIDY_APPLICANTS = (DISTRICT_ADMIN, COMPANY_MANAGER)
# Who defines the district-wide assessment schemes and opens, computes, reviews, publishes
# and reassesses their periods: the district alone.
DISTRICT_ASSESSORS = (DISTRICT_ADMIN,)
# Who registers a grid worker on no grid (outside any street's or community's scope).
UNGRIDDED_REGISTRARS = (DISTRICT_ADMIN,)
# Who reports a service issue, and who accepts and who handles one.
ISSUE_REPORTERS = (*OFFICERS, GRID_WORKER, COMPANY_MANAGER, RESIDENT, OWNERS_COMMITTEE)
ISSUE_ACCEPTORS = (*OFFICERS, COMPANY_MANAGER)
ISSUE_HANDLERS = (*OFFICERS, COMPANY_MANAGER, GRID_WORKER)
# Who gives the resident's feedback on a handled issue: never a company manager, whose
# company's satisfaction score the feedback feeds.
ISSUE_FEEDBACK_GIVERS = tuple(role for role in ISSUE_REPORTERS if role != COMPANY_MANAGER)
# Who establishes, renames and dissolves the bodies under communities and streets (社区党组织,
# 居委会, 街道物业管理办公室, 社区物业工作指导委员会): the district, and a street in its scope.
ORG_BODY_WRITERS = (DISTRICT_ADMIN, STREET_OFFICER)
