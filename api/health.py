"""/healthz (the process answers), /readyz (it can serve: database reachable, every
projection within the allowed lag and not stopped at a failing event) and /metrics."""

from __future__ import annotations

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.commands import services

blp = Blueprint("health", __name__, description="Liveness, readiness and metrics.")


@blp.route("/healthz")
class Health(MethodView):
    def get(self):  # type: ignore[no-untyped-def]
        """Alive: the process answers. Touches nothing else. No auth."""
        return jsonify({"ok": True})


@blp.route("/readyz")
class Ready(MethodView):
    def get(self):  # type: ignore[no-untyped-def]
        """Ready: the database answers and every projection is within the allowed lag and
        not stopped; 503 otherwise, with `problems` naming each. No auth."""
        report = services().health()
        response = jsonify(report)
        response.status_code = 200 if report["ok"] else 503
        return response


@blp.route("/metrics")
class Metrics(MethodView):
    def get(self):  # type: ignore[no-untyped-def]
        """Prometheus text format: requests, commands, group commits, projections, log."""
        body, content_type = services().metrics()
        return Response(body, content_type=content_type)
