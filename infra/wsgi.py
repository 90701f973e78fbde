"""WSGI entry point for production servers: `gunicorn 'infra.wsgi:create()'` (what
`redprop serve` runs). Projections run in `redprop worker`, not here."""

from __future__ import annotations

import sys
from typing import NoReturn

from flask import Flask

from infra import logs
from infra.bootstrap import build_system
from infra.settings import ConfigError, Settings
from infra.storage.database_check import database_problems

WORKER_BOOT_ERROR = 3  # gunicorn stops instead of starting the worker again


def create() -> Flask:
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        _refuse([f"configuration: {p}" for p in error.problems])
    settings.check_production()
    logs.configure(settings.log_format)
    if problems := database_problems(settings):
        _refuse([f"database: {p}" for p in problems])
    return build_system(settings, projections_here=False).wsgi()


def _refuse(lines: list[str]) -> NoReturn:
    print("\n".join(lines), file=sys.stderr, flush=True)
    sys.exit(WORKER_BOOT_ERROR)
