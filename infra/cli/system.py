"""The system a CLI command works on, built from the environment (shared by every
`redprop` command module, so none imports the CLI's entry point)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from infra.bootstrap import System, build_system
from infra.settings import Settings
from infra.storage.database_check import database_problems


@contextmanager
def open_system(**options: Any) -> Iterator[System]:
    """Settings from the environment, the production checks, the database probed (one line
    and exit 1 if it does not answer), then the system, closed when the block ends."""
    settings = Settings.from_env()
    settings.check_production()
    problems = database_problems(settings)
    if problems:
        for problem in problems:
            click.echo(f"database: {problem}", err=True)
        sys.exit(1)
    system = build_system(settings, **options)
    try:
        yield system
    finally:
        system.close()
