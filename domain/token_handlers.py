"""Handlers of the commands on bearer tokens."""

from __future__ import annotations

from domain.commands import CommandApplication, CommandResult
from domain.handling import HandlerTable
from domain.token_commands import RevokeToken
from domain.token_revocations import TokenRevocation


def revoke_token(app: CommandApplication, command: RevokeToken) -> CommandResult:
    jti = command.jti
    app.ensure_new(TokenRevocation, TokenRevocation.create_id(jti), f"revocation of {jti}")
    return app.commit(TokenRevocation.revoke(jti=jti, reason=command.reason))


HANDLERS: HandlerTable = {RevokeToken: revoke_token}
