"""The read models that carry a property company's version (its ETag, and its contracts')
handle every event of the company, so none can leave the tag behind. A new event of
PropertyCompany that one of them does not handle fails here, naming it."""

from __future__ import annotations

import pytest
from eventsourcing.utils import get_topic

from domain.property_companies import PropertyCompany
from projections.base import Projection
from projections.dual_coverage import DualCoverageProjection
from projections.service_contracts import ServiceContractsProjection

# eventsourcing's default created event: a company is created by Registered instead
NEVER_TRIGGERED = {"Created"}


def company_events() -> dict[str, str]:
    """Name -> topic of every event class of PropertyCompany (its holder mixin's included)."""
    found = {}
    for name in dir(PropertyCompany):
        value = getattr(PropertyCompany, name)
        event = isinstance(value, type) and issubclass(value, PropertyCompany.Event)
        if event and value is not PropertyCompany.Event and name not in NEVER_TRIGGERED:
            found[name] = get_topic(value)
    return found


@pytest.mark.parametrize("projection", [DualCoverageProjection, ServiceContractsProjection])
def test_every_company_event_moves_the_version_it_keeps(projection: type[Projection]) -> None:
    events = company_events()
    assert {"Registered", "Renamed", "ContractSigned", "PartyOrgLinked"} <= set(events)
    handled = projection().topics
    assert sorted(name for name, topic in events.items() if topic not in handled) == []
