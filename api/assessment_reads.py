"""Assessment ledger endpoints, reads (R13, R24): rankings (current, as published on a
date, or the draft), scorecards, the events behind a line, trends, and what-if."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from werkzeug.exceptions import NotFound

from api.assessment import LEDGER, current_facts, period_id, require_period
from api.assessment_schemas import (
    LineEventPage,
    PeriodDetailSchema,
    RankingPage,
    SchemeSchema,
    ScorecardSchema,
    TrendPage,
    WhatIfSchema,
)
from api.commands import ensure_fresh, services
from api.conditional import with_etag
from api.fields import BusinessDate, Text
from api.read_policy import read_scope, require_assessment_subject
from api.roles import READERS
from api.routes import read_route
from api.schemas import Answer, PageArgs, Paging, ReadArgs, page_of, take_paging
from domain.assessment_handlers import what_if_assessment
from domain.indicators import INDICATORS, SUBJECT_KINDS
from domain.metadata import occurred_at
from projections import assessment_queries as q
from projections.assessment_facts import fact_rows

blp = Blueprint(
    "assessment_reads",
    __name__,
    url_prefix="/api/v1/assessment",
    description="Assessment ledger reads: rankings, scorecards, drill-down, trend, what-if.",
)


DRAFT = "assessment_draft"  # the read policy resource of revisions not published


class WhichRevision(ReadArgs):
    as_of = BusinessDate(
        metadata={"description": "the revision published by the end of this day (Shanghai)"}
    )
    by_record_time = fields.Boolean(
        load_default=False,
        metadata={"description": "apply as_of to when publication was recorded, not its date"},
    )
    revision = fields.Integer(validate=validate.Range(min=1, max=1000))
    draft = fields.Boolean(load_default=False, metadata={"description": "the latest draft"})


class RankingArgs(Paging, WhichRevision):
    subject_kind = Text(required=True, validate=validate.OneOf(SUBJECT_KINDS))


class WhatIfArgs(ReadArgs):
    scheme_version = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))


def _revision(conn: Any, key: str, args: dict[str, Any]) -> dict[str, Any]:
    """The revision asked for; one not published is there only for the roles that read
    drafts (the read policy's `assessment_draft`)."""
    pid = str(period_id(key))
    if args.get("revision"):
        found = next(
            (r for r in q.revisions_of(conn, pid) if r["revision"] == args["revision"]), None
        )
    elif args.get("draft"):
        found = q.draft_revision(conn, pid)
    else:
        found = q.published_revision(
            conn, pid, args.get("as_of"), by_record_time=args.get("by_record_time", False)
        )
    unpublished = found is not None and found["state"] != "published"
    if found is None or (unpublished and not read_scope(DRAFT).everything):
        raise NotFound(f"no such revision of period {key} (not published then?)")
    return found


def revision_header(rev: dict[str, Any]) -> dict[str, Any]:
    keep = ("key", "revision", "state", "reason", "scheme_version", "facts_position")
    return {**{k: rev[k] for k in keep}, **{k: rev[k] for k in ("published_at", "recorded_at")}}


@blp.route("/schemes/<uuid:scheme_id>")
class SchemeResource(MethodView):
    @read_route(blp, READERS, SchemeSchema, ReadArgs)
    def get(self, args: dict[str, Any], scheme_id: UUID) -> Answer:
        """A scheme with every version, oldest first; its ETag is the latest version, which
        If-Match on a revision checks."""
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            versions = q.scheme_versions(conn, str(scheme_id))
        if not versions:
            raise NotFound(f"no assessment scheme {scheme_id}")
        latest = versions[-1]
        return with_etag(
            {
                "id": latest["scheme_id"],
                "code": latest["code"],
                "name": latest["name"],
                "version": latest["version"],
                "versions": versions,
            }
        )


@blp.route("/periods/<string:key>")
class PeriodResource(MethodView):
    @read_route(blp, READERS, PeriodDetailSchema, ReadArgs)
    def get(self, args: dict[str, Any], key: str) -> Answer:
        """A period with every revision (state, reason, publication time)."""
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            period = q.get_period(conn, key)
            if period is None:
                raise NotFound(f"no period {key}")
            return with_etag({**period, "revisions": q.revisions_of(conn, period["id"])})


@blp.route("/periods/<string:key>/rankings")
class Rankings(MethodView):
    @read_route(blp, READERS, RankingPage, RankingArgs)
    def get(self, args: dict[str, Any], key: str) -> Answer:
        """Ranking of companies or communities: total, grade, rank. Latest published by
        default; `as_of=2021-01-10` for the ranking as published that day."""
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            rev = _revision(conn, key, args)
            items = q.ranking(conn, rev["period_id"], rev["revision"], args["subject_kind"])
        return page_of(
            items, take_paging(args), **revision_header(rev), subject_kind=args["subject_kind"]
        )


@blp.route("/periods/<string:key>/scorecards/<string:kind>/<uuid:subject_id>")
class Scorecard(MethodView):
    @read_route(blp, READERS, ScorecardSchema, WhichRevision)
    def get(self, args: dict[str, Any], key: str, kind: str, subject_id: Any) -> Answer:
        """One subject's scorecard: a line per indicator with numerator, denominator,
        value, normalised score, weight, weighted score and the source event positions.
        404 outside the caller's read scope."""
        require_assessment_subject(kind, str(subject_id))
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            rev = _revision(conn, key, args)
            card = q.scorecard(conn, rev["period_id"], rev["revision"], kind, str(subject_id))
        if card is None:
            raise NotFound(f"no scorecard of {kind} {subject_id} in {key}")
        return {**revision_header(rev), **card}


@blp.route("/periods/<string:key>/scorecards/<string:kind>/<uuid:subject_id>/<string:code>")
class LineEvents(MethodView):
    @read_route(blp, READERS, LineEventPage, PageArgs)
    def get(self, args: dict[str, Any], key: str, kind: str, subject_id: Any, code: str) -> Answer:
        """Drill-down: the events behind one line of the latest published scorecard (or
        `revision`), each with the facts it contributed. 404 outside the caller's read
        scope."""
        require_assessment_subject(kind, str(subject_id))
        if code not in INDICATORS:
            raise NotFound(f"no indicator {code}")
        svc = services()
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with svc.read_engine.connect() as conn:
            rev = _revision(conn, key, args)
            card = q.scorecard(conn, rev["period_id"], rev["revision"], kind, str(subject_id))
            line = next(
                (ln for ln in (card or {}).get("lines", []) if ln["indicator"] == code), None
            )
            if line is None:
                raise NotFound(f"no line {code} on that scorecard")
            start = (args["page"] - 1) * args["per_page"]
            page = line["positions"][start : start + args["per_page"]]
            contributed = fact_rows(
                conn, subject_kind=kind, subject_id=str(subject_id), positions=page
            )
        facts_at: dict[int, dict[str, float]] = {}
        for row in contributed:
            if row["fact"] in INDICATORS[code].facts:
                facts_at.setdefault(row["position"], {})[row["fact"]] = row["value"]
        items = []
        for position in page:
            (n,) = svc.app.recorder.select_notifications(start=position, limit=1)
            event = svc.app.mapper.to_domain_event(n)
            items.append(
                {
                    "position": n.id,
                    "topic": n.topic,
                    "originator_id": str(n.originator_id),
                    "originator_version": n.originator_version,
                    "occurred_at": occurred_at(event).isoformat(),
                    "facts": facts_at.get(n.id, {}),
                }
            )
        return {
            "indicator": code,
            "items": items,
            "page": args["page"],
            "per_page": args["per_page"],
            "total": len(line["positions"]),
        }


@blp.route("/trend/<string:kind>/<uuid:subject_id>")
class Trend(MethodView):
    @read_route(blp, READERS, TrendPage, PageArgs)
    def get(self, args: dict[str, Any], kind: str, subject_id: Any) -> Answer:
        """A subject's total, grade and rank per period (latest published revisions). 404
        outside the caller's read scope."""
        require_assessment_subject(kind, str(subject_id))
        ensure_fresh(LEDGER, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            return page_of(q.trend(conn, kind, str(subject_id)), take_paging(args))


@blp.route("/periods/<string:key>/what-if")
class WhatIf(MethodView):
    @read_route(blp, READERS, WhatIfSchema, WhatIfArgs)
    def get(self, args: dict[str, Any], key: str) -> Answer:
        """How the period would score under another version of its scheme, from the
        current facts. Stores nothing."""
        pid, app = period_id(key), services().app
        require_period(key)
        facts = current_facts(key)
        return what_if_assessment(app, pid, facts, scheme_version=args["scheme_version"])
