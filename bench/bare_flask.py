"""The peers of the HTTP rows: a bare Flask app, no auth, no schema, no hooks, served as
`gunicorn 'bench.bare_flask:create()'` with the same settings as `redprop serve`.

* GET one org unit: its row from the same database;
* PATCH a unit's name: a plain eventsourcing Application loads a `BareUnit`, renames it
  and `save()`s it (one event), in the database `REDPROP_BENCH_BARE_URL` / `_SCHEMA`
  (its own: the library's recorder keeps no chain links, so it must not write into our
  log). The floor of the command row: the least any Flask service on this server can
  spend to rename a stored aggregate."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from flask import Flask, jsonify, request
from sqlalchemy import select

from bench.harness import bare_env
from infra.settings import Settings
from infra.storage.database import make_engine
from projections.org_registry import org_units


class BareUnit(Aggregate):
    @event("Registered")
    def __init__(self, name: str) -> None:
        self.name = name

    @event("Renamed")
    def rename(self, name: str) -> None:
        self.name = name


def bare_application(settings: Settings) -> Application[Any]:
    return Application(env=bare_env(settings))


def create() -> Flask:
    settings = Settings.from_env()
    engine = make_engine(settings.database_url, schema=settings.database_schema)
    app = Flask("bare")

    @app.get("/api/v1/org-units/<uuid:unit_id>")
    def org_unit(unit_id: UUID) -> Any:
        with engine.connect() as conn:
            row = conn.execute(select(org_units).where(org_units.c.id == str(unit_id))).first()
        if row is None:
            return jsonify({"title": "not found"}), 404
        return jsonify(dict(row._mapping))

    units: Application[Any] | None = None
    if bare_url := os.environ.get("REDPROP_BENCH_BARE_URL"):
        schema = os.environ.get("REDPROP_BENCH_BARE_SCHEMA", "public")
        units = bare_application(replace(settings, database_url=bare_url, database_schema=schema))

    @app.patch("/api/v1/org-units/<uuid:unit_id>")
    def rename(unit_id: UUID) -> Any:
        if units is None:
            return jsonify({"title": "no REDPROP_BENCH_BARE_URL"}), 404
        unit = units.repository.get(unit_id)
        unit.rename(request.get_json()["name"])
        units.save(unit)
        return jsonify({"id": str(unit_id), "version": unit.version})

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify({"ok": True})

    return app
