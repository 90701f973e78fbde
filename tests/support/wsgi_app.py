"""The API for a real server in tests: `gunicorn 'tests.support.wsgi_app:create()'`,
configured by the REDPROP_* variables."""

from __future__ import annotations

from flask import Flask

from infra.bootstrap import build_system
from infra.settings import Settings


def create() -> Flask:
    return build_system(Settings.from_env()).wsgi()
