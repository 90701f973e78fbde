"""`redprop report assessment`: CSV, XLSX and PNG from the published ledger."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from domain.assessment_commands import DefineAssessmentScheme, OpenAssessmentPeriod
from domain.figures import RESOLUTION_RATE
from infra.cli.main import main
from tests.grid_helpers import at
from tests.integration.test_assessment_ledger import compute_publish, definition, world


def test_reports_in_every_format(system: Any, settings: Any, tmp_path: Path) -> None:
    app = system.app
    ids = world(app)
    with at("2020-01-01T09:00:00"):
        scheme = app.handle(
            DefineAssessmentScheme(
                code="T", name="测试", definition=definition(), effective_from=date(2020, 1, 1)
            )
        ).id
        period = app.handle(OpenAssessmentPeriod(period="2020Q4", scheme_id=scheme)).id
    compute_publish(system, period, "2020Q4")
    env = {
        "REDPROP_DATABASE_URL": settings.database_url,
        "REDPROP_DATABASE_SCHEMA": settings.database_schema,
        "REDPROP_SECRET": settings.secret,
    }
    cli = CliRunner()

    def report(*args: str) -> None:
        result = cli.invoke(main, ["report", "assessment", *args], env=env)
        assert result.exit_code == 0, result.output

    base = ["--period", "2020Q4", "--kind", "community"]
    report("ranking", *base, "--format", "csv", "--out", str(tmp_path / "r.csv"))
    with (tmp_path / "r.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["rank"] for r in rows] == ["1", "2"]
    report("ranking", *base, "--format", "png", "--out", str(tmp_path / "r.png"))
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
    report("scorecards", *base, "--format", "xlsx", "--out", str(tmp_path / "s.xlsx"))
    book = load_workbook(tmp_path / "s.xlsx")
    assert book.sheetnames[0] == "ranking" and len(book.sheetnames) == 3
    card = list(book[book.sheetnames[1]].values)
    header, lines = list(card[0]), [dict(zip(card[0], row, strict=True)) for row in card[1:-1]]
    assert header.index("no_data") == header.index("score") + 1
    assert lines and all(isinstance(line["no_data"], bool) for line in lines)
    assert all(line["no_data"] == (line["score"] is None) for line in lines)
    by_code = {line["indicator"]: line for line in lines}
    assert by_code["resolution_rate"]["definition"] == RESOLUTION_RATE.ref  # the figure used
    community = str(ids["community"])
    report("trend", "--kind", "community", "--subject", community, "--out", str(tmp_path / "t.png"))
    assert (tmp_path / "t.png").stat().st_size > 1000
    refused = cli.invoke(
        main, ["report", "assessment", "ranking", *base, "--as-of", "2020-12-01"], env=env
    )
    assert refused.exit_code != 0 and "not published" in refused.output
