"""What the policy table says a caller may do: the world units a request's target puts in
reach of each scope rule, and whether a role's token on one side covers them."""

from __future__ import annotations

from api.access_policy import Access, Scope
from tests.api.authz.world import DISTRICT_WIDE, ROLE_UNIT

CHAIN = {
    "district": (),
    "street": ("street",),
    "community": ("community", "street"),
    "compound": ("compound", "community", "street"),
    "grid": ("grid", "compound", "community", "street"),
}
# Units beyond the target's org chain that a scope rule also accepts.
ALSO = {
    Scope.ISSUE: ("company",),  # the company the issue is routed to
    Scope.REPORT: ("company",),  # the company serving the compound
    Scope.BRANCH: ("company",),  # a company manager of one of the org's companies
    Scope.ENTITLEMENT: ("company",),  # the applicant: the branch's company
}
SCOPE_FREE = (Scope.SIGNED_IN, Scope.OWN, Scope.PUBLIC)


def covering(rule: Scope, target: str) -> set[str]:
    """The world units (side A) whose scope covers a request at `target` under `rule`."""
    if rule is Scope.DISTRICT:
        return set()
    return {*CHAIN[target], *ALSO.get(rule, ())}


def allowed(entry: Access, target: str, role: str, side: str) -> bool:
    """Whether the policy lets `role`, scoped on `side` ("in": side A, "out": side B), make a
    request at `target` (a side A unit)."""
    if role not in entry.roles:
        return False
    if entry.scope in SCOPE_FREE or role in DISTRICT_WIDE:
        return True
    return side == "in" and ROLE_UNIT[role] in covering(entry.scope, target)
