"""Commands on bearer tokens: revocation."""

from __future__ import annotations

from domain.commands import CommandApplication, CommandResult
from domain.token_revocations import TokenRevocation


class TokenCommands(CommandApplication):
    def revoke_token(self, *, jti: str, reason: str) -> CommandResult:
        """Withdraw the token with this `jti`; revoking it twice is refused (409)."""
        self.ensure_new(TokenRevocation, TokenRevocation.create_id(jti), f"revocation of {jti}")
        return self.commit(TokenRevocation.revoke(jti=jti, reason=reason))
