"""Every `redprop` command that opens a system closes it, whether it succeeds or refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from infra.bootstrap import System, build_system
from infra.cli.main import main

NO_SYSTEM = {"token", "relay", "kafka-worker"}  # a token; Kafka commands build no System
NOWHERE = "00000000-0000-4000-8000-000000000000"
INVOCATIONS: list[tuple[str, ...]] = [
    ("demo", "--no-serve"),
    ("demo",),
    ("generate", "--events", "20", "--days", "1", "--streets", "1"),
    ("rebuild",),
    ("rebuild", "no-such-projection"),
    ("verify",),
    ("verify", "--head"),
    ("verify", "--against", "1:" + "0" * 64),
    ("log",),
    ("state-as-of", NOWHERE, "2020-01-01T00:00:00+08:00"),
    ("sla", "tick", "--at", "2020-01-01T00:00:00"),
    ("sla", "define-default", "--from", "2020-01-01T00:00:00"),
    ("grid-funnel",),
    ("party-figures",),
    ("ledger", "check"),
    ("report", "ledger", "--format", "csv"),
    ("report", "assessment", "ranking", "--period", "2020Q4"),
    ("report", "assessment", "scorecards", "--period", "2020Q4"),
    ("report", "assessment", "trend", "--subject", NOWHERE),
    ("projections", "status"),
    ("serve",),
    ("worker", "--once"),
]


def _leaves(group: click.Group, prefix: tuple[str, ...] = ()) -> set[str]:
    found = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= _leaves(command, (*prefix, name))
        else:
            found.add(" ".join((*prefix, name)))
    return found


def _path(args: tuple[str, ...]) -> str:
    leaves = _leaves(main)
    return next(" ".join(args[:n]) for n in (3, 2, 1) if " ".join(args[:n]) in leaves)


def test_every_command_is_checked_here() -> None:
    assert _leaves(main) - NO_SYSTEM == {_path(args) for args in INVOCATIONS}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('cli')}/closes.db"


class NotServing:
    """The demo's server, answering nothing: `run()` returns at once."""

    def run(self) -> None:
        pass


@pytest.mark.parametrize("args", INVOCATIONS, ids=" ".join)
def test_the_command_closes_every_system_it_opens(
    args: tuple[str, ...], database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDPROP_DATABASE_URL", database)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # reports write their files here
    monkeypatch.setattr("infra.cli.demo.load_tianqiao", lambda app, progress: None)
    monkeypatch.setattr("infra.cli.demo.create_server", lambda *args, **kwargs: NotServing())
    monkeypatch.setattr("os.execve", lambda *args: None)  # `serve` would become gunicorn
    opened: list[System] = []
    closed: list[System] = []

    def counting(*options: Any, **named: Any) -> System:
        system = build_system(*options, **named)
        opened.append(system)
        close = system.close
        system.close = lambda: (closed.append(system), close())[1]  # type: ignore[method-assign]
        return system

    monkeypatch.setattr("infra.cli.system.build_system", counting)
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.output
    assert opened, "the command opened no system"
    assert closed == opened
