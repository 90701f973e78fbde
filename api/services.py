"""What the API needs from the rest of the system, handed in by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, Engine

from api.oidc import OidcIssuer
from api.tokens import TokenKeys
from domain.app import RedPropertyApp
from domain.commands import CommandResult


class Gateway(Protocol):
    def run(
        self,
        command: Callable[[], CommandResult],
        *,
        idempotency_key: str | None = None,
        fingerprint: str = "",
    ) -> tuple[CommandResult, bool]: ...


class FreshnessCheck(Protocol):
    def wait(self, names: list[str], position: int, timeout: float) -> tuple[bool, int]: ...

    def changed_beyond(self, conn: Connection, projection: str, topics: list[str]) -> bool: ...


@dataclass
class ApiServices:
    app: RedPropertyApp
    gateway: Gateway
    read_engine: Engine
    freshness: FreshnessCheck
    health: Callable[[], dict[str, Any]]
    tokens: TokenKeys
    metrics: Callable[[], tuple[bytes, str]]  # the /metrics body and its content type
    observe_request: Callable[[str, str, int, float], None]  # method, route, status, seconds
    read_wait_seconds: float = 5.0
    open311_jurisdiction: str = "tianqiao.jinan.cn"  # the one Open311 jurisdiction_id served
    oidc: OidcIssuer | None = None  # tokens from a single sign-on issuer, when configured
