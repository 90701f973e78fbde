"""A bearer token withdrawn before it expires, named by its unique id (`jti`)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id, require_text

MAX_JTI = 64


class TokenRevocation(LedgerAggregate):
    @staticmethod
    def create_id(jti: str) -> UUID:
        return natural_id("token-revocation", jti)

    @classmethod
    def revoke(cls, *, jti: str, reason: str) -> TokenRevocation:
        return cls(
            jti=require_text(jti, "jti", max_len=MAX_JTI),
            reason=require_text(reason, "reason", max_len=500),
        )

    @event("Revoked")
    def __init__(self, *, jti: str, reason: str) -> None:
        self.jti = jti
        self.reason = reason
