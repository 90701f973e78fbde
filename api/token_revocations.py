"""Revoking bearer tokens: a district admin any token, every holder its own (signing out)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate
from werkzeug.exceptions import Forbidden

from api.auth import principal, require
from api.commands import handle
from api.fields import Text
from api.roles import ALL_ROLES
from api.schemas import CommandResultSchema
from domain import token_commands as cmd
from domain.token_revocations import MAX_JTI

blp = Blueprint(
    "token_revocations",
    __name__,
    url_prefix="/api/v1/token-revocations",
    description="Withdraw a bearer token before it expires (its `jti` claim).",
)


class RevokeToken(Schema):
    jti = Text(required=True, validate=validate.Length(min=1, max=MAX_JTI))
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


@blp.route("")
class Revocations(MethodView):
    @require(*ALL_ROLES)
    @blp.arguments(RevokeToken)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Revoke a token: refused from the next request once the read model has it
        (within a second while projections keep up). 409 if it is already revoked."""
        who = principal()
        if who.role != "district_admin" and body["jti"] != who.jti:
            raise Forbidden("only a district admin may revoke another holder's token")
        return handle(cmd.RevokeToken(**body), status=201)
