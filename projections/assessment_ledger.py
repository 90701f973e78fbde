"""Read model of the assessment ledger (R13, R24): scheme versions, periods, revisions,
scorecards (one row per subject) and score lines (one per indicator, with the positions
of the events behind it). Every revision's cards are kept, so "as published on D" is a
select by publication time. Queries are in `assessment_queries.py`.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table

from domain.assessment_period import AssessmentPeriod
from domain.assessment_scheme import AssessmentScheme
from domain.metadata import occurred_at
from projections.base import Projection, handles
from projections.view import View

metadata = MetaData()

assessment_schemes = Table(
    "assessment_schemes",
    metadata,
    Column("scheme_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("code", String(40), nullable=False),
    Column("name", String(100), nullable=False),
    Column("effective_from", String(10), nullable=False),
    Column("note", String(500)),
    Column("override_reason", String(500)),  # why the weight rule (R13) does not hold
    Column("definition", JSON, nullable=False),
    Column("position", BigInteger, nullable=False),
)

assessment_periods = Table(
    "assessment_periods",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("key", String(10), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    Column("start", String(10), nullable=False),
    Column("end", String(10), nullable=False),
    Column("scheme_id", String(36), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("state", String(12), nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)

assessment_revisions = Table(
    "assessment_revisions",
    metadata,
    Column("period_id", String(36), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("key", String(10), nullable=False),
    Column("state", String(12), nullable=False),
    Column("reason", String(500)),
    Column("scheme_version", Integer),
    Column("facts_position", BigInteger),
    Column("reviewer", String(100)),
    Column("published_at", String(40)),  # business time, UTC ISO
    Column("recorded_at", String(40)),  # record time of the Published event, UTC ISO
    Column("position", BigInteger, nullable=False),
)

assessment_cards = Table(
    "assessment_cards",
    metadata,
    Column("period_id", String(36), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("subject_kind", String(20), primary_key=True),
    Column("subject_id", String(36), primary_key=True),
    Column("key", String(10), nullable=False, index=True),
    Column("subject_name", String(200), nullable=False),
    Column("total", Float, nullable=False),
    Column("grade", String(8), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("result_sent_position", BigInteger),
    Column("position", BigInteger, nullable=False),
)

assessment_lines = Table(
    "assessment_lines",
    metadata,
    Column("period_id", String(36), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("subject_kind", String(20), primary_key=True),
    Column("subject_id", String(36), primary_key=True),
    Column("indicator", String(40), primary_key=True),
    Column("definition", String(60)),  # code@version; null: published before versions
    Column("seq", Integer, nullable=False),
    Column("label", String(40), nullable=False),
    Column("numerator", Float, nullable=False),
    Column("denominator", Float, nullable=False),
    Column("value", Float),
    Column("score", Float),  # null: no data, excluded by the scheme
    Column("no_data", Boolean),
    Column("weight", Float, nullable=False),
    Column("weighted", Float, nullable=False),
    Column("positions", JSON, nullable=False),
)


def utc_iso(event: Any) -> str:
    return occurred_at(event).astimezone(UTC).isoformat()


class AssessmentLedgerProjection(Projection):
    name = "assessment_ledger"
    metadata = metadata

    @handles(AssessmentScheme, "Defined")
    def assessment_scheme_defined(self, event: Any, view: View) -> None:
        _scheme_version(view, event, event.code, event.name, "defined")

    @handles(AssessmentScheme, "Revised")
    def assessment_scheme_revised(self, event: Any, view: View) -> None:
        first = view.get("assessment_schemes", str(event.originator_id), 1)
        assert first is not None
        _scheme_version(view, event, first["code"], first["name"], event.note)

    @handles(AssessmentPeriod, "Opened")
    def assessment_period_opened(self, event: Any, view: View) -> None:
        period_id = str(event.originator_id)
        view.put(
            "assessment_periods",
            {
                "id": period_id,
                "key": event.key,
                "kind": event.kind,
                "start": event.start.isoformat(),
                "end": event.end.isoformat(),
                "scheme_id": str(event.scheme_id),
                "revision": 1,
                "state": "open",
                "version": event.originator_version,
                "position": view.position,
            },
        )
        _revision(view, event, period_id, event.key, 1, state="open", reason=None)

    @handles(AssessmentPeriod, "ScoresComputed")
    def assessment_period_scores_computed(self, event: Any, view: View) -> None:
        key = _touch(view, event, state="draft")
        _write_cards(view, event, key, published=False)
        _update_revision(
            view,
            event,
            state="draft",
            scheme_version=event.scheme_version,
            facts_position=event.facts_position,
        )

    @handles(AssessmentPeriod, "Reviewed")
    def assessment_period_reviewed(self, event: Any, view: View) -> None:
        _touch(view, event, state="reviewed")
        _update_revision(view, event, state="reviewed", reviewer=event.reviewer)

    @handles(AssessmentPeriod, "Published")
    def assessment_period_published(self, event: Any, view: View) -> None:
        key = _touch(view, event, state="published")
        _write_cards(view, event, key, published=True)
        _update_revision(
            view,
            event,
            state="published",
            published_at=utc_iso(event),
            recorded_at=event.timestamp.astimezone(UTC).isoformat(),
        )

    @handles(AssessmentPeriod, "ResultSent")
    def assessment_period_result_sent(self, event: Any, view: View) -> None:
        _touch(view, event)
        view.update(
            "assessment_cards",
            str(event.originator_id),
            event.revision,
            "property_company",
            event.company_id,
            result_sent_position=view.position,
        )

    @handles(AssessmentPeriod, "Reassessed")
    def assessment_period_reassessed(self, event: Any, view: View) -> None:
        key = _touch(view, event, state="open", revision=event.revision)
        period_id = str(event.originator_id)
        _revision(view, event, period_id, key, event.revision, state="open", reason=event.reason)


def _scheme_version(view: View, event: Any, code: str, name: str, note: str) -> None:
    view.put(
        "assessment_schemes",
        {
            "scheme_id": str(event.originator_id),
            "version": event.originator_version,
            "code": code,
            "name": name,
            "effective_from": event.effective_from.isoformat(),
            "note": note,
            "override_reason": getattr(event, "override_reason", None),
            "definition": event.definition,
            "position": view.position,
        },
    )


def _touch(view: View, event: Any, **changes: Any) -> str:
    row = view.update(
        "assessment_periods",
        str(event.originator_id),
        version=event.originator_version,
        position=view.position,
        **changes,
    )
    return str(row["key"])


def _revision(
    view: View, event: Any, period_id: str, key: str, revision: int, **values: Any
) -> None:
    row = {
        "period_id": period_id,
        "revision": revision,
        "key": key,
        "scheme_version": None,
        "facts_position": None,
        "reviewer": None,
        "published_at": None,
        "recorded_at": None,
        "position": view.position,
    }
    view.put("assessment_revisions", {**row, **values})


def _update_revision(view: View, event: Any, **changes: Any) -> None:
    view.update(
        "assessment_revisions",
        str(event.originator_id),
        event.revision,
        position=view.position,
        **changes,
    )


def _write_cards(view: View, event: Any, key: str, *, published: bool) -> None:
    period_id = str(event.originator_id)
    for table in ("assessment_lines", "assessment_cards"):
        for row in view.find(table, period_id=period_id, revision=event.revision):
            view.delete(table, *view.key(table, row))
    for card in event.cards:
        ident = {
            "period_id": period_id,
            "revision": event.revision,
            "subject_kind": card["subject_kind"],
            "subject_id": card["subject_id"],
        }
        view.put(
            "assessment_cards",
            {
                **ident,
                "key": key,
                "subject_name": card["subject_name"],
                "total": card["total"],
                "grade": card["grade"],
                "rank": card["rank"],
                "published": published,
                "result_sent_position": None,
                "position": view.position,
            },
        )
        for seq, line in enumerate(card["lines"]):
            view.put(
                "assessment_lines",
                {
                    **ident,
                    "indicator": line["indicator"],
                    "definition": line.get("definition"),
                    "seq": seq,
                    "label": line["label"],
                    "numerator": line["numerator"],
                    "denominator": line["denominator"],
                    "value": line["value"],
                    "score": line["score"],
                    "weight": line["weight"],
                    "weighted": line["weighted"],
                    "no_data": line["value"] is None,
                    "positions": line.get("positions", []),
                },
            )
