"""Settings from the environment. One URL chooses the database."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_SECRET = "dev-only-insecure-secret-change-me"
DEFAULT_DATABASE_URL = "sqlite:///var/redproperty.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    read_database_url: str | None = None  # read models elsewhere (default: same database)
    database_schema: str = "public"  # PostgreSQL schema for events and read models
    secret: str = DEFAULT_SECRET
    environment: str = "development"  # anything but "development"/"test" refuses the default secret
    token_keys: str = ""  # "kid1:secret1,kid2:secret2": all verify; replaces `secret`
    token_signing_kid: str = ""  # which of token_keys signs (default: the last)
    token_lifetime: int = 8 * 3600  # seconds a minted token lives
    projection_poll_seconds: float = 0.25
    read_wait_seconds: float = 5.0  # longest a query waits for min_position
    kafka_bootstrap: str | None = None
    kafka_topic: str = "redproperty.events"
    kafka_partitions: int = 3
    kafka_max_message_bytes: int = 1024 * 1024  # largest message the relay sends (key+value)
    kafka_options: dict[str, Any] = field(default_factory=dict)  # SASL/SSL passthrough

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)
        kafka_options = {
            key[len("REDPROP_KAFKA_OPT_") :].lower(): value
            for key, value in env.items()
            if key.startswith("REDPROP_KAFKA_OPT_")
        }
        settings = cls(
            database_url=env.get("REDPROP_DATABASE_URL", DEFAULT_DATABASE_URL),
            read_database_url=env.get("REDPROP_READ_DATABASE_URL") or None,
            database_schema=env.get("REDPROP_DATABASE_SCHEMA", "public"),
            secret=env.get("REDPROP_SECRET", DEFAULT_SECRET),
            environment=env.get("REDPROP_ENV", "development"),
            token_keys=env.get("REDPROP_TOKEN_KEYS", ""),
            token_signing_kid=env.get("REDPROP_TOKEN_SIGNING_KID", ""),
            token_lifetime=int(env.get("REDPROP_TOKEN_LIFETIME_SECONDS", str(8 * 3600))),
            projection_poll_seconds=float(env.get("REDPROP_PROJECTION_POLL_SECONDS", "0.25")),
            read_wait_seconds=float(env.get("REDPROP_READ_WAIT_SECONDS", "5")),
            kafka_bootstrap=env.get("REDPROP_KAFKA_BOOTSTRAP") or None,
            kafka_topic=env.get("REDPROP_KAFKA_TOPIC", "redproperty.events"),
            kafka_partitions=int(env.get("REDPROP_KAFKA_PARTITIONS", "3")),
            kafka_max_message_bytes=int(env.get("REDPROP_KAFKA_MAX_MESSAGE_BYTES", str(1 << 20))),
            kafka_options=kafka_options,
        )
        return replace(settings, **overrides)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check_production(self) -> None:
        if self.environment in ("development", "test"):
            return
        if self.token_keys:
            if DEFAULT_SECRET in self.token_keys:
                raise SystemExit("refusing to start with the default secret in REDPROP_TOKEN_KEYS")
        elif self.secret == DEFAULT_SECRET:
            raise SystemExit(
                f"refusing to start with the default REDPROP_SECRET (REDPROP_ENV="
                f"{self.environment!r}; only 'development' and 'test' allow it)"
            )
