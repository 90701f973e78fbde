"""WSGI entry point for production servers: `gunicorn 'infra.wsgi:create()'`."""

from __future__ import annotations

from flask import Flask

from infra.bootstrap import build_system
from infra.settings import Settings


def create() -> Flask:
    settings = Settings.from_env()
    settings.check_production()
    return build_system(settings, start_worker=True).wsgi()
