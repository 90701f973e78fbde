"""How a projection names the events it handles (`@handles(Aggregate, "EventName")`)."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.utils import get_topic
from sqlalchemy import MetaData

from domain import moved_topics
from domain.org_registry import OrgUnit
from domain.party_activities import CrossAppointment, MemberPost, Place
from domain.property_companies import PropertyCompany
from projections.base import Projection, handles
from projections.catalog import all_projections
from projections.party_activities import PartyActivitiesProjection
from projections.view import View


def test_stacked_declarations_handle_events_of_several_aggregates() -> None:
    ended = {get_topic(a.Ended) for a in (CrossAppointment, MemberPost, Place)}  # type: ignore[attr-defined]
    assert ended <= PartyActivitiesProjection().topics
    handler = PartyActivitiesProjection._handlers
    assert len({handler[topic] for topic in ended}) == 1


def test_one_declaration_names_several_events_of_one_aggregate() -> None:
    class Contracts(Projection):
        name = "contracts"
        metadata = MetaData()

        @handles(PropertyCompany, "ContractEnded", "ContractTerminated")
        def ended(self, event: Any, view: View) -> None:
            pass

    assert Contracts().topics == {
        get_topic(PropertyCompany.ContractEnded),  # type: ignore[attr-defined]
        get_topic(PropertyCompany.ContractTerminated),  # type: ignore[attr-defined]
    }


def test_a_misspelt_event_fails_where_it_is_declared() -> None:
    with pytest.raises(AttributeError, match="ContractEnden"):
        handles(PropertyCompany, "ContractEnden")


def test_every_projection_handles_events_and_names_its_tables() -> None:
    names = [p.name for p in all_projections()]
    assert len(names) == len(set(names))
    for projection in all_projections():
        assert projection.topics, projection.name
        assert projection.tables, projection.name


def test_a_projection_dispatches_events_stored_under_a_former_topic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(moved_topics.MOVED_TOPICS, "domain.retired_registry", "domain.org_registry")

    class Units(Projection):
        name = "units_under_moves"
        metadata = MetaData()

        @handles(OrgUnit, "Registered")
        def org_unit_registered(self, event: Any, view: Any) -> None:
            view.seen.append(event)

    assert Units().topics == {
        "domain.org_registry:OrgUnit.Registered",
        "domain.retired_registry:OrgUnit.Registered",
    }
