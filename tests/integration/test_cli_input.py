"""CLI month/date/period options are validated as the API validates them: the same message,
a non-zero exit, and a well-formed month means the same months as the API's filter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from infra.bootstrap import build_system
from infra.cli.main import main
from infra.settings import Settings
from tests.grid_helpers import at, report, small_district


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`redprop` against this test's database (SQLite file or PostgreSQL schema)."""
    monkeypatch.setenv("REDPROP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REDPROP_DATABASE_SCHEMA", settings.database_schema)
    monkeypatch.setenv("REDPROP_SECRET", settings.secret)
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args))

    return invoke


@pytest.fixture
def issues_in_three_months(settings: Settings) -> None:
    """One issue reported in each of 2020-01, 2020-09 and 2020-10."""
    system = build_system(settings)
    try:
        ids = small_district(system.app)
        for month in ("2020-01", "2020-09", "2020-10"):
            with at(f"{month}-15T10:00:00"):
                report(system.app, ids)
    finally:
        system.close()


def _api_message(settings: Settings, auth: Any, path: str, field: str) -> str:
    system = build_system(settings)
    try:
        answer = system.wsgi().test_client().get(path, headers=auth("auditor"))
    finally:
        system.close()
    assert answer.status_code == 422, answer.get_json()
    return str(answer.get_json()["errors"][field][0])


@pytest.mark.parametrize("bad", ["banana", "2020-13", "2020-1", "2020-00", "20-01", ""])
@pytest.mark.parametrize("option", ["--from", "--to"])
def test_grid_funnel_refuses_a_bad_month_like_the_api(
    cli: Any, settings: Settings, auth: Any, option: str, bad: str
) -> None:
    api_field = "month_from" if option == "--from" else "month_to"
    message = _api_message(settings, auth, f"/api/v1/grid-loop/funnel?{api_field}={bad}", api_field)
    result = cli("grid-funnel", option, bad)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output
    assert message in result.output


def test_grid_funnel_months_are_months_not_strings(cli: Any, issues_in_three_months: None) -> None:
    def reported(*args: str) -> int:
        result = cli("grid-funnel", *args)
        assert result.exit_code == 0, result.output
        return int(json.loads(result.output)["reported"])

    assert reported("--from", "2020-01", "--to", "2020-12") == 3
    assert reported("--from", "2020-02", "--to", "2020-09") == 1
    assert reported("--from", "2020-10") == 1
    assert reported("--to", "2020-09") == 2


def test_grid_funnel_refuses_from_after_to(cli: Any) -> None:
    result = cli("grid-funnel", "--from", "2020-10", "--to", "2020-09")
    assert result.exit_code == 2
    assert "'--from' (2020-10) is after '--to' (2020-09)" in result.output


@pytest.mark.parametrize("bad", ["banana", "2020-02-30", "2020-1-1", "2020-13-01"])
def test_party_figures_refuses_a_bad_date_like_the_api(
    cli: Any, settings: Settings, auth: Any, bad: str
) -> None:
    message = _api_message(settings, auth, f"/api/v1/party-building/coverage?as_of={bad}", "as_of")
    result = cli("party-figures", "--as-of", bad)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--as-of'" in result.output
    assert message in result.output


@pytest.mark.parametrize("bad", ["0", "banana", "10000", "2020.5"])
def test_party_figures_refuses_a_bad_year_like_the_api(
    cli: Any, settings: Settings, auth: Any, bad: str
) -> None:
    message = _api_message(
        settings, auth, f"/api/v1/party-building/demonstration-projects?year={bad}", "year"
    )
    result = cli("party-figures", "--year", bad)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--year'" in result.output
    assert message in result.output


@pytest.mark.parametrize("bad", ["2020Q5", "2020-13", "banana", "2020-1"])
def test_assessment_reports_refuse_a_bad_period_like_the_api(
    cli: Any, settings: Settings, auth: Any, bad: str
) -> None:
    system = build_system(settings)
    try:
        answer = (
            system.wsgi()
            .test_client()
            .post(
                "/api/v1/assessment/periods",
                json={"period": bad, "scheme_id": "00000000-0000-0000-0000-000000000001"},
                headers=auth("district_admin"),
            )
        )
    finally:
        system.close()
    assert answer.status_code == 422
    message = answer.get_json()["errors"]["period"][0]
    for command in ("ranking", "scorecards"):
        result = cli("report", "assessment", command, "--period", bad)
        assert result.exit_code == 2, result.output
        assert "Invalid value for '--period'" in result.output
        assert message in result.output


@pytest.mark.parametrize("bad", ["banana", "2020-02-30"])
def test_assessment_ranking_refuses_a_bad_as_of_like_the_api(
    cli: Any, settings: Settings, auth: Any, bad: str
) -> None:
    message = _api_message(settings, auth, f"/api/v1/party-building/coverage?as_of={bad}", "as_of")
    result = cli("report", "assessment", "ranking", "--period", "2020Q4", "--as-of", bad)
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize("bad", ["banana", "2020-13-01T10:00:00", "2020-03-01 25:00"])
@pytest.mark.parametrize("command", [("sla", "tick", "--at"), ("sla", "define-default", "--from")])
def test_sla_commands_refuse_a_bad_moment(cli: Any, command: tuple[str, ...], bad: str) -> None:
    result = cli(*command, bad)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{command[-1]}'" in result.output
    assert "Not a valid datetime." in result.output
