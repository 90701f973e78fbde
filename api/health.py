"""/healthz (the process answers), /readyz (it can serve: database reachable, every
projection within the allowed lag and not stopped at a failing event) and /metrics."""

from __future__ import annotations

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields

from api.commands import services
from api.fields import Text

blp = Blueprint("health", __name__, description="Liveness, readiness and metrics.")

PROMETHEUS_TEXT = {
    "description": "Prometheus text exposition format",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}


class AliveSchema(Schema):
    ok = fields.Boolean(required=True)


class ReadySchema(Schema):
    class Meta:
        unknown = INCLUDE  # the worker adds figures of its own (e.g. the Kafka relay's)

    ok = fields.Boolean(required=True)
    database = Text(required=True)
    log_head = fields.Integer()
    problems = fields.List(Text(), required=True)
    projections = fields.Dict(keys=Text(), values=fields.Dict())
    projection_lag = fields.Dict(keys=Text(), values=fields.Integer())


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, AliveSchema)
    def get(self) -> Response:
        """Alive: the process answers. Touches nothing else. No auth."""
        return jsonify({"ok": True})


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, ReadySchema)
    @blp.alt_response(503, schema=ReadySchema, description="Not ready: `problems` says why")
    def get(self) -> Response:
        """Ready: the database answers and every projection is within the allowed lag and
        not stopped; 503 otherwise, with `problems` naming each. No auth."""
        report = services().health()
        response = jsonify(report)
        response.status_code = 200 if report["ok"] else 503
        return response


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.doc(responses={"200": PROMETHEUS_TEXT})
    def get(self) -> Response:
        """Prometheus text format: requests, commands, group commits, projections, log."""
        body, content_type = services().metrics()
        return Response(body, content_type=content_type)
