"""`redprop report assessment ...`: rankings, scorecards and trends as CSV, XLSX or PNG,
read from the assessment ledger read model (caught up first)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from domain.assessment_period import AssessmentPeriod
from domain.indicators import SUBJECT_KINDS
from infra import assessment_exports as ex
from infra.bootstrap import System
from infra.cli.params import DAY, PERIOD
from infra.cli.system import open_system
from projections import assessment_queries as q

FORMATS = click.Choice(["csv", "xlsx", "png"])


@click.group()
def report() -> None:
    """Reports for reporting jobs (CSV, XLSX, PNG)."""


@report.group()
def assessment() -> None:
    """Assessment rankings, scorecards and trends (R13)."""


@contextmanager
def _open() -> Iterator[System]:
    """The system, its projections caught up."""
    with open_system() as system:
        system.catch_up()
        yield system


def _revision(conn: Any, period: str, as_of: date | None) -> dict[str, Any]:
    found = q.published_revision(conn, str(AssessmentPeriod.create_id(period)), as_of)
    if found is None:
        raise click.ClickException(f"period {period} was not published (as of {as_of})")
    return found


def _out(out: Path | None, stem: str, fmt: str) -> Path:
    return out or Path(f"{stem}.{fmt}")


@assessment.command()
@click.option("--period", required=True, type=PERIOD, help="2020Q4, 2020-10 or 2020")
@click.option("--kind", type=click.Choice(SUBJECT_KINDS), default="property_company")
@click.option("--as-of", type=DAY, help="as published on that day (YYYY-MM-DD)")
@click.option("--format", "fmt", type=FORMATS, default="csv", show_default=True)
@click.option("--out", type=click.Path(path_type=Path))
def ranking(period: str, kind: str, as_of: date | None, fmt: str, out: Path | None) -> None:
    """The ranking of a period (latest published revision, or as of a day)."""
    with _open() as system, system.read_engine.connect() as conn:
        rev = _revision(conn, period, as_of)
        items = q.ranking(conn, rev["period_id"], rev["revision"], kind)
    path = _out(out, f"ranking-{period}-{kind}", fmt)
    if fmt == "csv":
        ex.write_csv(path, ex.ranking_table(items))
    elif fmt == "xlsx":
        ex.write_xlsx(path, {f"{period} {kind}": ex.ranking_table(items)})
    else:
        title = f"{period} {kind} ranking (revision {rev['revision']})"
        ex.ranking_png(path, title, items)
    click.echo(f"{path}: {len(items)} subjects, revision {rev['revision']}")


@assessment.command()
@click.option("--period", required=True, type=PERIOD, help="2020Q4, 2020-10 or 2020")
@click.option("--kind", type=click.Choice(SUBJECT_KINDS), default="property_company")
@click.option("--subject", "subject_id", help="one subject's id (default: every subject)")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx")
@click.option("--out", type=click.Path(path_type=Path))
def scorecards(period: str, kind: str, subject_id: str | None, fmt: str, out: Path | None) -> None:
    """Scorecards (one line per indicator, with inputs and source positions)."""
    with _open() as system, system.read_engine.connect() as conn:
        rev = _revision(conn, period, None)
        ids = (
            [subject_id]
            if subject_id
            else [i["subject_id"] for i in q.ranking(conn, rev["period_id"], rev["revision"], kind)]
        )
        cards = [q.scorecard(conn, rev["period_id"], rev["revision"], kind, i) for i in ids]
    found = [c for c in cards if c is not None]
    if not found:
        raise click.ClickException("no scorecard found")
    path = _out(out, f"scorecards-{period}-{kind}", fmt)
    if fmt == "xlsx":
        sheets = {f"{c['rank']} {c['subject_id'][:8]}": ex.scorecard_table(c) for c in found}
        ex.write_xlsx(path, {"ranking": ex.ranking_table(found), **sheets})
    else:
        header, _ = ex.scorecard_table(found[0])
        rows = [[c["subject_id"], *row] for c in found for row in ex.scorecard_table(c)[1]]
        ex.write_csv(path, (["subject_id", *header], rows))
    click.echo(f"{path}: {len(found)} scorecards, revision {rev['revision']}")


@assessment.command()
@click.option("--kind", type=click.Choice(SUBJECT_KINDS), default="property_company")
@click.option("--subject", "subject_id", required=True)
@click.option("--format", "fmt", type=FORMATS, default="png", show_default=True)
@click.option("--out", type=click.Path(path_type=Path))
def trend(kind: str, subject_id: str, fmt: str, out: Path | None) -> None:
    """A subject's total, grade and rank over the published periods."""
    with _open() as system, system.read_engine.connect() as conn:
        points = q.trend(conn, kind, subject_id)
    if not points:
        raise click.ClickException(f"no published scorecards for {kind} {subject_id}")
    path = _out(out, f"trend-{subject_id[:8]}", fmt)
    table = (
        ["key", "total", "grade", "rank"],
        [[p[c] for c in ("key", "total", "grade", "rank")] for p in points],
    )
    if fmt == "png":
        ex.trend_png(path, f"{kind} {subject_id[:8]} trend", points)
    elif fmt == "csv":
        ex.write_csv(path, table)
    else:
        ex.write_xlsx(path, {"trend": table})
    click.echo(f"{path}: {len(points)} periods")
