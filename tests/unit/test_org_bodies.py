"""Rules of the bodies under communities and streets (社区党组织, 居委会, 街道物业管理办公室,
社区物业工作指导委员会), kept in the aggregates before their events (no I/O)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.base import natural_id
from domain.errors import InvalidTransition, OverlappingOrgBody, RuleViolation
from domain.metadata import command_context
from domain.org_bodies import (
    BODY_PARENT_KIND,
    BodyKind,
    OrgBody,
    OrgBodyTerms,
    require_in_office,
)
from domain.party_activities import CrossAppointment
from domain.service_issues import ServiceIssue
from tests.unit.refusal import refused

D = date(2020, 1, 2)
COMMUNITY = uuid4()


def _establish(
    terms: OrgBodyTerms,
    on: date = D,
    *,
    kind: str = "residents_committee",
    parent_kind: str = "community",
    parent_closed: bool = False,
) -> OrgBody:
    return OrgBody.establish(
        kind=kind,
        name="华黎社区居委会",
        parent_id=terms.parent_id,
        parent_kind=parent_kind,
        parent_closed=parent_closed,
        street_id=uuid4(),
        established_on=on,
        terms=terms,
    )


def _terms(kind: str = "residents_committee", parent: UUID = COMMUNITY) -> OrgBodyTerms:
    return OrgBodyTerms(parent_id=parent, kind=kind)


@pytest.mark.parametrize("kind", list(BodyKind))
def test_a_body_belongs_to_a_unit_of_its_parent_kind(kind: BodyKind) -> None:
    right = BODY_PARENT_KIND[kind]
    wrong = "street" if right == "community" else "community"
    for parent_kind in (wrong, "compound", "district"):
        terms = _terms(kind.value)
        with refused(RuleViolation, f"a {kind.value} belongs to a {right}", field="parent_id"):
            _establish(terms, kind=kind.value, parent_kind=parent_kind)
        assert terms.terms == {}
    body = _establish(_terms(kind.value), kind=kind.value, parent_kind=right)
    assert body.kind == kind.value and body.in_office_on(D)
    assert body.community_id == (body.parent_id if right == "community" else None)


def test_unknown_kind_and_closed_parent_are_refused() -> None:
    with refused(RuleViolation, "unknown kind 'party_school'", field="kind"):
        _establish(_terms("party_school"), kind="party_school")
    with refused(InvalidTransition, "the community .* is closed"):
        _establish(_terms(), parent_closed=True)


def test_one_residents_committee_per_community_at_a_time() -> None:
    terms = _terms()
    first = _establish(terms)
    with refused(OverlappingOrgBody, "a residents_committee of this unit", field="established_on"):
        _establish(terms, date(2021, 5, 1))
    with refused(RuleViolation, "a body is dissolved after the day", field="on"):
        first.dissolve(D, "换届", terms)
    first.dissolve(date(2021, 5, 1), "换届", terms)
    with refused(OverlappingOrgBody, "a residents_committee of this unit", field="established_on"):
        _establish(terms, date(2021, 4, 30))  # would overlap the first's last day
    second = _establish(terms, date(2021, 5, 1))  # the day the first left office
    assert terms.holder_on(date(2021, 4, 30)) == first.id
    assert terms.holder_on(date(2021, 5, 1)) == second.id
    assert terms.holder_on(date(2019, 12, 31)) is None
    assert not first.in_office_on(date(2021, 5, 1)) and first.in_office_on(date(2021, 4, 30))


def test_other_kinds_and_other_units_do_not_collide() -> None:
    _establish(_terms())
    _establish(_terms("community_party_org"), kind="community_party_org")
    _establish(_terms(parent=uuid4()))


def test_rename_and_dissolve_need_the_body_in_office() -> None:
    terms = _terms()
    body = _establish(terms)
    with refused(RuleViolation, r"on \(2019-12-31\) is before the start", field="on"):
        body.rename("新名", date(2019, 12, 31))
    body.rename("华黎社区居民委员会", date(2020, 6, 1))
    with refused(
        RuleViolation, r"on \(2020-05-31\) is before the start \(2020-06-01\)", field="on"
    ):
        body.rename("旧名", date(2020, 5, 31))  # names follow each other in time
    body.rename("华黎社区居民委员会", date(2020, 7, 1))  # same name: no event
    body.dissolve(date(2021, 1, 1), "撤并", terms)
    with refused(InvalidTransition, "the residents_committee was dissolved on 2021-01-01"):
        body.rename("x", date(2021, 2, 1))
    with refused(InvalidTransition, "the residents_committee was dissolved"):
        body.dissolve(date(2021, 2, 1), "again", terms)
    names = [type(e).__name__ for e in body.collect_events()]
    assert names == ["Established", "Renamed", "Dissolved"]


def test_a_body_named_in_input_is_of_the_kind_and_in_office() -> None:
    terms = _terms("property_guidance_committee")
    body = _establish(terms, kind="property_guidance_committee")
    kinds = ("property_guidance_committee", "street_property_office")
    assert require_in_office(body, kinds, D, "body_id") is body
    with refused(RuleViolation, ".* is a property_guidance_committee, not a", field="x"):
        require_in_office(body, ("community_party_org",), D, "x")
    with refused(RuleViolation, ".* is not in office on 2020-01-01", field="body_id"):
        require_in_office(body, kinds, date(2020, 1, 1), "body_id")


def _issue(community: UUID, street: UUID) -> ServiceIssue:
    return ServiceIssue.report(
        source_ref=uuid4().hex,
        channel="grid_worker",
        category="heating",
        compound_id=uuid4(),
        grid_id=None,
        street_id=street,
        community_id=community,
        description="暖气不热",
        reported_at=datetime(2020, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
    )


def _body_under(kind: str, parent: UUID, parent_kind: str) -> OrgBody:
    terms = OrgBodyTerms(parent_id=parent, kind=kind)
    return _establish(terms, kind=kind, parent_kind=parent_kind)


def test_an_issue_is_routed_to_its_own_guidance_committee_or_street_office() -> None:
    community, street = uuid4(), uuid4()
    committee = _body_under("property_guidance_committee", community, "community")
    office = _body_under("street_property_office", street, "street")
    for body in (committee, office):
        issue = _issue(community, street)
        issue.accept(body=body)
        assert (issue.body_id, issue.department, issue.company_id) == (body.id, body.name, None)
    elsewhere = _body_under("property_guidance_committee", uuid4(), "community")
    residents = _body_under("residents_committee", community, "community")
    other_office = _body_under("street_property_office", uuid4(), "street")
    for body, message in (
        (elsewhere, ".* is not the property_guidance_committee of the issue's community"),
        (other_office, ".* is not the street_property_office of the issue's street"),
        (residents, "an issue is routed to a property-work guidance committee or a street"),
    ):
        issue = _issue(community, street)
        with refused(RuleViolation, message, field="body_id"):
            issue.accept(body=body)
        assert issue.state == "reported" and issue.body_id is None
    with refused(RuleViolation, "route the issue to exactly one of", field="company_id"):
        _issue(community, street).accept(body=committee, department="物业办")


def test_ids_are_stable_natural_keys() -> None:
    """Stored calendars and bodies are found again by these keys: they must never change."""
    parent, other = uuid4(), uuid4()
    assert OrgBodyTerms.create_id(parent, "residents_committee") == natural_id(
        "org-body-terms", parent, "residents_committee"
    )
    same_day = [OrgBody.create_id("residents_committee", p, D) for p in (parent, other)]
    assert same_day[0] != same_day[1]
    assert same_day[0] == natural_id("org-body", "residents_committee", parent, D.isoformat())


def test_an_overlap_names_the_body_in_office_and_its_end() -> None:
    terms = _terms()
    first = _establish(terms)
    with refused(
        OverlappingOrgBody,
        r".* is in office from 2020-01-02 with no end: dissolve",
        field="established_on",
    ):
        _establish(terms, date(2020, 3, 1))
    first.dissolve(date(2020, 6, 1), "换届", terms)
    with refused(
        OverlappingOrgBody,
        r".* is in office from 2020-01-02 until 2020-06-01",
        field="established_on",
    ):
        _establish(terms, date(2020, 3, 1))


def test_names_dates_and_kinds_are_checked_on_their_fields() -> None:
    with (
        command_context(occurred_at="2020-01-02T09:00:00+08:00"),
        refused(
            RuleViolation, r"established_on \(2020-01-05\) is in the future", field="established_on"
        ),
    ):
        _establish(_terms(), date(2020, 1, 5))
    terms = _terms()
    with refused(RuleViolation, "name is longer than 100 characters", field="name"):
        OrgBody.establish(
            kind="residents_committee",
            name="居" * 101,
            parent_id=terms.parent_id,
            parent_kind="community",
            parent_closed=False,
            street_id=None,
            established_on=D,
            terms=terms,
        )
    body = _establish(terms)
    body.rename("居" * 100, date(2020, 2, 1))
    with refused(RuleViolation, "name must not be empty", field="name"):
        body.rename("  ", date(2020, 3, 1))
    kinds = ("community_party_org", "street_property_office")
    with refused(
        RuleViolation, ".* not a community_party_org or street_property_office", field="x"
    ):
        require_in_office(body, kinds, D, "x")


def test_events_stored_before_body_ids_read_as_routed_to_no_body() -> None:
    """Version-1 `Accepted` and `Appointed` events (stored before bodies existed) are upcast
    to name no body; the golden log test loads real ones end to end."""
    for event_class in (ServiceIssue.Accepted, CrossAppointment.Appointed):
        assert event_class.class_version == 2
        state: dict[str, object] = {"company_id": None}
        event_class.upcast_v1_v2(state)
        assert state == {"company_id": None, "body_id": None}


def test_dissolving_and_renaming_check_their_inputs() -> None:
    with refused(
        RuleViolation,
        r"unknown kind 'x' \(one of community_party_org, residents_committee, street_property_office, property_guidance_committee\)",
        field="kind",
    ):
        _establish(_terms("x"), kind="x")
    terms = _terms()
    body = _establish(terms)
    assert body.name == "华黎社区居委会" and isinstance(body.street_id, UUID)
    assert terms.in_office() == body.id
    with refused(RuleViolation, "name is longer than 100 characters", field="name"):
        body.rename("居" * 101, date(2020, 2, 1))
    in_march = command_context(occurred_at="2020-03-01T09:00:00+08:00")
    with in_march, refused(RuleViolation, r"on \(2020-03-05\) is in the future", field="on"):
        body.rename("新名", date(2020, 3, 5))
    with refused(
        RuleViolation, r"on \(2020-01-01\) is before the start \(2020-01-02\)", field="on"
    ):
        body.dissolve(date(2020, 1, 1), "撤销", terms)
    for reason, message in (
        ("  ", "reason must not be empty"),
        ("因" * 501, "reason is longer than 500"),
    ):
        with refused(RuleViolation, message, field="reason"):
            body.dissolve(date(2020, 6, 1), reason, terms)
    assert terms.in_office() == body.id
    body.dissolve(date(2020, 6, 1), "因" * 500, terms)
    assert terms.in_office() is None
    assert body.collect_events()[-1].reason == "因" * 500  # type: ignore[attr-defined]
