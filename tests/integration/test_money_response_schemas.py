"""The response schemas of the subsidy and assessment reads carry every field the read
models answer (a schema dumps only the fields it declares), unchanged."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from marshmallow import Schema

from api import assessment_schemas as a
from api import subsidy_schemas as s
from api.assessment_reads import revision_header
from domain.assessment_commands import DefineAssessmentScheme, OpenAssessmentPeriod
from domain.assessment_handlers import what_if_assessment
from domain.metadata import command_context
from domain.subsidy_commands import (
    ApproveSubsidy,
    DisburseSubsidy,
    OpenSubsidyYear,
    SubmitSubsidyApplication,
)
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP
from projections import assessment_queries as q
from projections import subsidy_reports as reports
from projections.assessment_facts import read_period_facts
from tests.integration.test_assessment_ledger import compute_publish, definition, world
from tests.support.subsidies import found_branch, setup_district


def _same(schema: type[Schema], body: Any, *, many: bool = False) -> None:
    dumped = schema(many=many).dump(body)
    assert json.loads(json.dumps(dumped, default=str)) == json.loads(json.dumps(body, default=str))


def test_subsidy_read_schemas_keep_every_field(system: Any) -> None:
    app = system.app
    ids = setup_district(app)
    branch = found_branch(app, "B1", date(2020, 3, 1), ids["S01"])
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(OpenSubsidyYear(2020))
    system.catch_up()
    startup = SubsidyEntitlement.create_id(branch, STARTUP, 2020)
    with command_context(actor_id="manager", role="company_manager"):
        app.handle(SubmitSubsidyApplication(startup))
    with command_context(actor_id="officer", role="street_officer"):
        app.handle(ApproveSubsidy(startup))
        app.handle(DisburseSubsidy(startup, payment_reference="P1", paid_on=date(2020, 4, 1)))
    system.catch_up()
    with system.read_engine.connect() as conn:
        budgets = reports.list_budgets(conn)
        entitlements, _ = reports.list_entitlements(conn, page=1, per_page=50)
        lines, _ = reports.journal(conn, page=1, per_page=50)
        _same(s.BudgetSchema, budgets, many=True)
        _same(s.EntitlementSchema, entitlements, many=True)
        _same(s.PostingSchema, lines, many=True)
        _same(s.TrialBalanceSchema, reports.trial_balance(conn, period=2020))
        _same(s.StatementSchema, reports.branch_statement(conn, str(branch)))
        _same(s.StreetSummarySchema, reports.street_summary(conn), many=True)
        _same(s.YearlyRowSchema, reports.yearly_report(conn), many=True)
    assert budgets and entitlements and lines


def test_assessment_read_schemas_keep_every_field(system: Any) -> None:
    app = system.app
    ids = world(app)
    with command_context(actor_id="admin", role="district_admin"):
        scheme = app.handle(
            DefineAssessmentScheme("T", "测试办法", definition(), effective_from=date(2020, 1, 1))
        ).id
        period = app.handle(OpenAssessmentPeriod("2020Q4", scheme)).id
    compute_publish(system, period, "2020Q4")
    community = str(ids["community"])
    with system.read_engine.connect() as conn:
        (revision,) = q.revisions_of(conn, str(period))
        facts = read_period_facts(conn, "2020Q4")
        card = q.scorecard(conn, str(period), 1, "community", community)
        _same(a.SchemeVersionSchema, q.scheme_versions(conn), many=True)
        _same(a.PeriodDetailSchema, {**q.list_periods(conn)[0], "revisions": [revision]})
        _same(a.ScorecardSchema, {**revision_header(revision), **(card or {})})
        _same(a.RankingRowSchema, q.ranking(conn, str(period), 1, "community"), many=True)
        _same(a.TrendRowSchema, q.trend(conn, "community", community), many=True)
    _same(a.WhatIfSchema, what_if_assessment(app, period, facts, scheme_version=1))
    assert card is not None and card["lines"]
