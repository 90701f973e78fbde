"""The peer of the HTTP read row: a bare Flask app returning one org unit's row from the
same database, no auth, no schema, no hooks. Served as `gunicorn 'bench.bare_flask:create()'`
with the same settings as `redprop serve`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Flask, jsonify
from sqlalchemy import select

from infra.settings import Settings
from infra.storage.database import make_engine
from projections.org_registry import org_units


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

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify({"ok": True})

    return app
