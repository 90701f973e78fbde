"""R2/R8 property companies: registration, brand status, service contracts with compounds.

`PropertyCompany` is keyed by the unified social credit code. One company at a time serves a
compound: every contract is booked on the compound's `CompoundServiceSlot` (deterministic id
from the compound id) in the same transaction, so two overlapping contracts signed at once
collide on the slot's version and the second is refused.
The company also carries its party-organisation link (R3): at most one active party org.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text
from domain.dates import check_order, overlaps
from domain.errors import AlreadyExists, InvalidTransition, NotFound, RuleViolation
from domain.party_org_holders import PartyOrgHolder


class PropertyCompany(PartyOrgHolder, LedgerAggregate):
    holder_label = "company"

    @staticmethod
    def create_id(credit_code: str, **_: object) -> UUID:
        return natural_id("property-company", credit_code)

    @classmethod
    def register(
        cls, *, credit_code: str, name: str, street_id: UUID | None = None
    ) -> PropertyCompany:
        code = require_text(credit_code, "credit_code", max_len=18).upper()
        if len(code) != 18 or not code.isalnum():
            raise RuleViolation(
                "credit_code must be an 18-character unified social credit code",
                field="credit_code",
            )
        return cls(
            credit_code=code, name=require_text(name, "name", max_len=100), street_id=street_id
        )

    @event("Registered")
    def __init__(self, *, credit_code: str, name: str, street_id: UUID | None) -> None:
        self.credit_code = credit_code
        self.name = name
        self.street_id = street_id
        self.branded = False
        self.contracts: dict[str, dict[str, Any]] = {}
        self.party_org_id: UUID | None = None

    def rename(self, name: str) -> None:
        new_name = require_text(name, "name", max_len=100)
        if new_name != self.name:
            self._renamed(name=new_name)

    @event("Renamed")
    def _renamed(self, name: str) -> None:
        self.name = name

    # -- R8 brand --------------------------------------------------------------------------

    def award_brand(self, on: date, decision: str) -> None:
        if self.branded:
            raise InvalidTransition("the company already holds the brand")
        self._brand_awarded(on=on, decision=require_text(decision, "decision", max_len=200))

    def revoke_brand(self, on: date, decision: str) -> None:
        if not self.branded:
            raise InvalidTransition("the company does not hold the brand")
        self._brand_revoked(on=on, decision=require_text(decision, "decision", max_len=200))

    @event("BrandAwarded")
    def _brand_awarded(self, on: date, decision: str) -> None:
        self.branded = True

    @event("BrandRevoked")
    def _brand_revoked(self, on: date, decision: str) -> None:
        self.branded = False

    # -- R2 contracts ----------------------------------------------------------------------

    @staticmethod
    def contract_id_for(company_id: UUID, compound_id: UUID, starts_on: date) -> UUID:
        return natural_id("service-contract", company_id, compound_id, starts_on.isoformat())

    def sign_contract(
        self, slot: CompoundServiceSlot, starts_on: date, ends_on: date | None
    ) -> UUID:
        check_order(starts_on, ends_on, "ends_on")
        contract_id = self.contract_id_for(self.id, slot.compound_id, starts_on)
        if str(contract_id) in self.contracts:
            raise AlreadyExists(f"contract {contract_id} already exists")
        slot.book(contract_id, self.id, starts_on, ends_on)
        self._contract_signed(
            contract_id=contract_id,
            compound_id=slot.compound_id,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        return contract_id

    def end_contract(self, slot: CompoundServiceSlot, contract_id: UUID, on: date) -> None:
        contract = self._open_contract(contract_id, on)
        slot.release(contract_id, on)
        self._contract_ended(contract_id=contract_id, compound_id=contract["compound_id"], on=on)

    def terminate_contract(
        self, slot: CompoundServiceSlot, contract_id: UUID, on: date, reason: str
    ) -> None:
        contract = self._open_contract(contract_id, on)
        slot.release(contract_id, on)
        self._contract_terminated(
            contract_id=contract_id,
            compound_id=contract["compound_id"],
            on=on,
            reason=require_text(reason, "reason", max_len=500),
        )

    def contract(self, contract_id: UUID) -> dict[str, Any]:
        try:
            return self.contracts[str(contract_id)]
        except KeyError:
            raise NotFound(f"the company has no contract {contract_id}") from None

    def _open_contract(self, contract_id: UUID, on: date) -> dict[str, Any]:
        contract = self.contract(contract_id)
        if contract["closed_on"] is not None:
            raise InvalidTransition("the contract has already ended")
        check_order(contract["starts_on"], on, "on")
        return contract

    @event("ContractSigned")
    def _contract_signed(
        self, contract_id: UUID, compound_id: UUID, starts_on: date, ends_on: date | None
    ) -> None:
        self.contracts[str(contract_id)] = {
            "compound_id": compound_id,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "closed_on": None,
        }

    @event("ContractEnded")
    def _contract_ended(self, contract_id: UUID, compound_id: UUID, on: date) -> None:
        self.contracts[str(contract_id)]["closed_on"] = on

    @event("ContractTerminated")
    def _contract_terminated(
        self, contract_id: UUID, compound_id: UUID, on: date, reason: str
    ) -> None:
        self.contracts[str(contract_id)]["closed_on"] = on

    # -- R3 party organisation link ----------------------------------------------------------

    @event("PartyOrgLinked")
    def _party_org_linked(self, party_org_id: UUID, on: date) -> None:
        self.party_org_id = party_org_id

    @event("PartyOrgUnlinked")
    def _party_org_unlinked(self, party_org_id: UUID, on: date) -> None:
        self.party_org_id = None


class CompoundServiceSlot(LedgerAggregate):
    """The compound's calendar of service contracts; refuses overlapping ones."""

    @staticmethod
    def create_id(compound_id: UUID, **_: object) -> UUID:
        return natural_id("compound-service-slot", compound_id)

    @event("Opened")
    def __init__(self, *, compound_id: UUID) -> None:
        self.compound_id = compound_id
        self.bookings: dict[str, dict[str, Any]] = {}

    def book(
        self, contract_id: UUID, company_id: UUID, starts_on: date, ends_on: date | None
    ) -> None:
        for other_id, other in self.bookings.items():
            if overlaps(starts_on, ends_on, other["starts_on"], other["until"]):
                raise RuleViolation(
                    f"the compound is served under contract {other_id} "
                    f"from {other['starts_on']} to {other['until'] or 'open end'}",
                    field="starts_on",
                )
        self._booked(
            contract_id=contract_id, company_id=company_id, starts_on=starts_on, ends_on=ends_on
        )

    def release(self, contract_id: UUID, on: date) -> None:
        if str(contract_id) not in self.bookings:
            raise NotFound(f"contract {contract_id} is not booked on this compound")
        self._released(contract_id=contract_id, on=on)

    def company_on(self, day: date) -> UUID | None:
        for booking in self.bookings.values():
            if overlaps(booking["starts_on"], booking["until"], day, day):
                return UUID(str(booking["company_id"]))
        return None

    @event("ContractBooked")
    def _booked(
        self, contract_id: UUID, company_id: UUID, starts_on: date, ends_on: date | None
    ) -> None:
        self.bookings[str(contract_id)] = {
            "company_id": company_id,
            "starts_on": starts_on,
            "until": ends_on,
        }

    @event("ContractReleased")
    def _released(self, contract_id: UUID, on: date) -> None:
        booking = self.bookings[str(contract_id)]
        ends = booking["until"]
        booking["until"] = on if ends is None or on < ends else ends
