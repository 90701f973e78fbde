"""HTTP API: Flask app factory. Everything it needs comes in through `ApiServices`."""

from __future__ import annotations

from typing import Any

import swagger_ui_bundle
from flask import Flask, Response, send_from_directory
from flask_smorest import Api, Blueprint
from marshmallow import RAISE
from werkzeug.exceptions import HTTPException

from api import (
    assessment,
    assessment_reads,
    branch_life,
    grid_workers,
    health,
    issue_reports,
    observability,
    open311,
    org_bodies,
    org_registry,
    party_activities,
    party_coverage,
    party_orgs,
    property_companies,
    service_issues,
    subsidies,
    token_revocations,
)
from api.auth import load_principal
from api.fields import StorableSegment
from api.open311_format import refusal_by_path
from api.openapi import ContractPlugin
from api.problems import DATABASE_UNAVAILABLE, database_unavailable, register_error_handlers
from api.request_context import check_content_type, close_command_context, open_command_context
from api.request_limits import check_request_limits
from api.services import ApiServices

BLUEPRINTS = [
    health.blp,
    org_registry.blp,
    org_bodies.blp,
    service_issues.blp,
    issue_reports.blp,
    grid_workers.blp,
    open311.blp,
    property_companies.blp,
    party_orgs.blp,
    party_coverage.blp,
    branch_life.blp,
    party_activities.blp,
    assessment.blp,
    assessment_reads.blp,
    subsidies.blp,
    token_revocations.blp,
]

DESCRIPTION = """The ledger of record of Tianqiao District's Red Property (红色物业) programme.

Every command returns `{id, version, position}`; pass `position` as `min_position` on a
read to see your own write. Send `Idempotency-Key` on commands to make retries safe, and
`If-Match: "<version>"` to refuse stale edits. Errors are `application/problem+json`.
Authenticate with `Authorization: Bearer <token>` (mint one with `redprop token`)."""


# A misspelt filter must not silently return everything: unknown query args are refused.
Blueprint.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION = {
    **Blueprint.ARGUMENTS_PARSER.DEFAULT_UNKNOWN_BY_LOCATION,
    "query": RAISE,
    "querystring": RAISE,
}


class ContractApi(Api):  # type: ignore[misc]
    """Errors are documented per operation as problem+json (api/openapi.py), not as
    flask-smorest's default `Error` answer."""

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_responses(self) -> None:
        """None of flask-smorest's error answers (they would register its `Error` schema)."""


def create_app(services: ApiServices, **config: Any) -> Flask:
    app = Flask("redprop")
    app.config.update(
        API_TITLE="Red Property ledger (红色物业)",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/docs-assets/",  # served from the swagger-ui-bundle package
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_AS_ASCII=False,
        API_SPEC_OPTIONS={"info": {"description": DESCRIPTION}},
    )
    app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["redprop"] = services
    app.url_map.converters.update(default=StorableSegment, string=StorableSegment)

    app.add_url_rule("/docs-assets/<path:filename>", "docs_assets", _docs_asset)
    api = ContractApi(app, spec_kwargs={"extra_plugins": [ContractPlugin(app)]})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "signed token"}
    )
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    app.register_error_handler(HTTPException, refusal_by_path)
    for busy in DATABASE_UNAVAILABLE:
        app.register_error_handler(busy, lambda error: refusal_by_path(database_unavailable(error)))

    app.before_request(check_request_limits)
    app.before_request(load_principal)
    app.before_request(check_content_type)
    app.before_request(open_command_context)
    app.teardown_request(close_command_context)
    observability.register(app)  # first before_request: times the others too
    return app


def _docs_asset(filename: str) -> Response:
    """Swagger UI's files, shipped in a Python package: the docs page works offline."""
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)
