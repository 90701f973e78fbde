"""Read model of revoked bearer tokens: the API refuses a token whose `jti` is here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Connection, MetaData, String, Table, bindparam, select

from domain.token_revocations import MAX_JTI, TokenRevocation
from projections.base import Projection, handles
from projections.view import View

metadata = MetaData()

revoked_tokens = Table(
    "revoked_tokens",
    metadata,
    Column("jti", String(MAX_JTI), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


class TokenRevocationsProjection(Projection):
    name = "token_revocations"
    metadata = metadata

    @handles(TokenRevocation, "Revoked")
    def token_revoked(self, event: Any, view: View) -> None:
        view.insert("revoked_tokens", {"jti": event.jti, "position": view.position})


_REVOKED = select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == bindparam("jti"))


def is_revoked(conn: Connection, jti: str) -> bool:
    return conn.execute(_REVOKED, {"jti": jti}).first() is not None
