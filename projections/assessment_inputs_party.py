"""Assessment input facts from party building (R2, R3): company subjects, households
under contract, party organisations covering companies and communities.

Contracts and party-org links count from the month of their own dates (`starts_on`,
`on`, `founded_on`), not from when they were recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.party_orgs import PartyOrg
from domain.property_companies import PropertyCompany
from projections.assessment_facts import COMMUNITY, COMPANY, add_fact_in_month, put_subject
from projections.assessment_inputs_life import link_company, org_row
from projections.base import handles, id_str
from projections.view import View


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _party(view: View, day: date, subject: tuple[str, str | None], sign: int) -> None:
    for fact in ("party_orgs", "party_branches"):
        add_fact_in_month(view, _month(day), [subject], fact, sign)


class PartyInputs:
    @handles(PropertyCompany, "Registered")
    def property_company_registered(self, event: Any, view: View) -> None:
        put_subject(view, COMPANY, str(event.originator_id), event.name)

    @handles(PropertyCompany, "Renamed")
    def property_company_renamed(self, event: Any, view: View) -> None:
        view.update("assessment_subjects", COMPANY, str(event.originator_id), name=event.name)

    @handles(PropertyCompany, "ContractSigned")
    def property_company_contract_signed(self, event: Any, view: View) -> None:
        compound = view.get("assessment_compounds", id_str(event.compound_id))
        if compound is None:
            return
        company = str(event.originator_id)
        view.update("assessment_compounds", compound["id"], company_id=company)
        add_fact_in_month(
            view,
            _month(event.starts_on),
            [(COMPANY, company)],
            "households_under_contract",
            compound["households"],
        )

    @handles(PropertyCompany, "ContractEnded", "ContractTerminated")
    def property_company_contract_closed(self, event: Any, view: View) -> None:
        compound = view.get("assessment_compounds", id_str(event.compound_id))
        if compound is None:
            return
        company = str(event.originator_id)
        if compound["company_id"] == company:
            view.update("assessment_compounds", compound["id"], company_id=None)
        add_fact_in_month(
            view,
            _month(event.on),
            [(COMPANY, company)],
            "households_under_contract",
            -compound["households"],
        )

    @handles(PropertyCompany, "PartyOrgLinked")
    def property_company_party_org_linked(self, event: Any, view: View) -> None:
        _party(view, event.on, (COMPANY, str(event.originator_id)), +1)
        link_company(view, str(event.party_org_id), str(event.originator_id), linked=True)

    @handles(PropertyCompany, "PartyOrgUnlinked")
    def property_company_party_org_unlinked(self, event: Any, view: View) -> None:
        _party(view, event.on, (COMPANY, str(event.originator_id)), -1)
        link_company(view, str(event.party_org_id), str(event.originator_id), linked=False)

    @handles(PartyOrg, "Founded")
    def party_org_founded(self, event: Any, view: View) -> None:
        """An org hosted in a community (e.g. in an owners' committee) covers it."""
        if event.community_id is not None and event.host_kind != "property_company":
            org = org_row(view, str(event.originator_id))
            view.update("assessment_orgs", org["id"], community_id=str(event.community_id))
            _party(view, event.founded_on, (COMMUNITY, str(event.community_id)), +1)

    @handles(PartyOrg, "Dissolved")
    def party_org_dissolved(self, event: Any, view: View) -> None:
        _org_ended(view, event, event.dissolved_on)

    @handles(PartyOrg, "Merged")
    def party_org_merged(self, event: Any, view: View) -> None:
        _org_ended(view, event, event.merged_on)


def _org_ended(view: View, event: Any, day: date) -> None:
    org = view.get("assessment_orgs", str(event.originator_id))
    if org is not None and org["community_id"]:
        _party(view, day, (COMMUNITY, org["community_id"]), -1)
        view.update("assessment_orgs", org["id"], community_id=None)
