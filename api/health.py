"""/healthz: the database answers, and how far each projection lags the log."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.commands import services

blp = Blueprint("health", __name__, description="Liveness, database and projection lag.")


@blp.route("/healthz")
class Health(MethodView):
    def get(self):  # type: ignore[no-untyped-def]
        """Database reachable; log head; each projection's position and lag. No auth."""
        report = services().health()
        response = jsonify(report)
        response.status_code = 200 if report["ok"] else 503
        return response
