"""The public integration event (infra.kafka.integration_event) without a broker: typed values
named in `types`, exact rebuild with the chain link checked, and what is refused."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from domain.party_coverage_commands import ElectOwnersCommittee
from infra.kafka import integration_event
from infra.kafka.integration_event import MalformedEvent, Message, decode, parse
from infra.kafka.projection import worker_mapper
from infra.kafka.relay import KafkaRelay
from infra.kafka.relay_pages import ChildPageEncoder, MissingLink


def small_log(system: Any) -> None:
    app = system.app
    district = app.handle(RegisterOrgUnit(kind="district", code="370105", name="天桥区")).id
    street = app.handle(
        RegisterOrgUnit(kind="street", code="S1", name="街道", parent_id=district)
    ).id
    community = app.handle(
        RegisterOrgUnit(kind="community", code="C1", name="社区", parent_id=street)
    ).id
    compound = app.handle(
        RegisterOrgUnit(
            kind="compound", code="Q1", name="小区", parent_id=community, compound_type="open"
        )
    ).id
    app.handle(
        ElectOwnersCommittee(
            compound_id=compound,
            name="业委会",
            term_starts=date(2021, 3, 1),
            term_ends=date(2026, 2, 28),
            members=[{"member_ref": "m1", "name": "张三", "party_member": True}],
        )
    )
    app.handle(RenameOrgUnit(unit_id=compound, name="新小区"))


def messages(system: Any) -> list[Message]:
    relay = KafkaRelay(system.app, system.write_engine, system.settings)
    return relay.encode_page(0)


def document(message: Message) -> dict[str, Any]:
    return json.loads(message.value)


def first_of(sent: list[Message], kind: str) -> Message:
    return next(m for m in sent if dict(m.headers)["type"] == kind.encode())


def test_every_event_is_rebuilt_exactly_from_its_public_fields(system: Any) -> None:
    small_log(system)
    mapper = worker_mapper()
    recorded = system.app.recorder.select_notifications(start=0, limit=100)
    sent = messages(system)
    assert [m.position for m in sent] == [n.id for n in recorded]
    for message, notification in zip(sent, recorded, strict=True):
        topic, event = decode(parse(message.value), mapper)
        assert topic == notification.topic
        assert vars(event) == vars(system.app.mapper.to_domain_event(notification))
    compound = next(document(m) for m in sent if b'"kind":"compound"' in m.value)
    district = document(first_of(sent, "OrgUnit.Registered"))
    assert district["payload"]["parent_id"] is None and district["types"] == {}
    elected = document(first_of(sent, "OwnersCommittee.Elected"))
    assert compound["types"] == {"/payload/parent_id": "uuid"}
    assert elected["types"] == {
        "/payload/compound_id": "uuid",
        "/payload/community_id": "uuid",
        "/payload/term_starts": "date",
        "/payload/term_ends": "date",
    }
    assert elected["payload"]["term_starts"] == "2021-03-01"
    assert elected["payload"]["members"][0]["name"] == "张三"
    assert set(elected) == {
        "schema", "position", "type", "aggregate_id", "version", "occurred_at",
        "recorded_at", "payload", "metadata", "types", "redacted", "chain",
    }  # fmt: skip


@pytest.mark.parametrize(
    "alter, reason",
    [
        (lambda d: d["payload"].update(name="改过的"), "chain hash does not match"),
        (lambda d: d["types"].pop("/payload/parent_id"), "chain hash does not match"),
        (lambda d: d.update(recorded_at="2020-01-01T00:00:00+00:00"), "chain hash"),
        (lambda d: d["types"].update({"/payload/parent_id": "date"}), "bad typed value"),
        (lambda d: d["types"].update({"/chain/hash": "uuid"}), "bad typed value"),
        (lambda d: d.update(type="OrgUnit.Vanished"), "unknown event type"),
    ],
)
def test_an_altered_message_is_refused(system: Any, alter: Any, reason: str) -> None:
    small_log(system)
    sent = [document(m) for m in messages(system)]
    doc = next(d for d in sent if d["payload"].get("kind") == "compound")  # a uuid in it
    alter(doc)
    with pytest.raises(MalformedEvent, match=reason):
        decode(parse(json.dumps(doc).encode()), worker_mapper())


def test_redacted_personal_fields_are_left_out_and_not_rebuilt(
    system: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_log(system)
    monkeypatch.setitem(
        integration_event.PERSONAL_FIELDS, "OwnersCommittee.Elected", frozenset({"members"})
    )
    elected = first_of(messages(system), "OwnersCommittee.Elected")
    assert "members" not in document(elected)["payload"]
    assert document(elected)["redacted"] == ["members"]
    topic, event = decode(parse(elected.value), worker_mapper())
    assert topic.endswith(":OwnersCommittee.Elected") and event is None


def test_the_relay_publishes_nothing_from_an_event_without_its_link(
    system: Any, backend: str
) -> None:
    from tests.integration.test_chain_tamper import _names, _sql

    small_log(system)
    _sql(system, backend, f"DELETE FROM {_names(backend)[0]}_chain WHERE position = 3")
    relay = KafkaRelay(system.app, system.write_engine, system.settings)
    assert [m.position for m in relay.encode_page(0)[:2]] == [1, 2]
    with pytest.raises(MissingLink, match="position 3 has no chain link"):
        relay.encode_page(2)


def test_a_child_encoder_hands_over_its_pages_and_its_stop(system: Any, backend: str) -> None:
    from tests.integration.test_chain_tamper import _names, _sql

    small_log(system)
    _sql(system, backend, f"DELETE FROM {_names(backend)[0]}_chain WHERE position = 3")
    child = ChildPageEncoder(system.settings, page_size=100)
    try:
        assert [m.position for m in child.submit(0).result()] == [1, 2]
        with pytest.raises(MissingLink, match="position 3 has no chain link"):
            child.submit(2).result()
        with pytest.raises(MissingLink):  # the child still serves after a failure
            child.submit(2).result()
        child.submit(0)  # given up on (the relay's send failed before it read the answer)
        assert [m.position for m in child.submit(1).result()] == [2]
    finally:
        child.close()
