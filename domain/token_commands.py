"""Commands on bearer tokens: revocation."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True, kw_only=True)
class RevokeToken(Command[CommandResult]):
    """Withdraw the token with this `jti`; revoking it twice is refused (409)."""

    jti: str
    reason: str
