"""Runs commands: idempotency by key, retry on a lost race, wake the projections."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.commands import CommandResult
from domain.errors import Conflict, DomainError, IdempotencyKeyReused
from infra.command_log import CommandRecord, pending_command

MAX_ATTEMPTS = 12


class CommandGateway:
    def __init__(self, app: object, on_commit: Callable[[], None] | None = None) -> None:
        self.app = app
        self.on_commit = on_commit or (lambda: None)

    def run(
        self,
        command: Callable[[], CommandResult],
        *,
        idempotency_key: str | None = None,
        fingerprint: str = "",
    ) -> tuple[CommandResult, bool]:
        """Run `command`; returns (result, replayed). A repeated key with the same
        fingerprint returns the first result and stores nothing."""
        if idempotency_key:
            earlier = self._earlier(idempotency_key, fingerprint)
            if earlier is not None:
                return earlier, True
        for attempt in range(MAX_ATTEMPTS):
            scope = (
                pending_command(idempotency_key, fingerprint) if idempotency_key else nullcontext()
            )
            try:
                with scope:
                    result = command()
            except DomainError:
                # a concurrent request with the same key may have won while we ran
                earlier = self._earlier(idempotency_key, fingerprint) if idempotency_key else None
                if earlier is not None:
                    return earlier, True
                raise
            except IntegrityError:
                if idempotency_key:
                    earlier = self._earlier(idempotency_key, fingerprint)
                    if earlier is not None:
                        return earlier, True
                # another writer won the race: back off, reload and re-check the rules
                time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))
                continue
            self.on_commit()
            return result, False
        raise Conflict("the aggregate kept changing under this command; try again")

    def _earlier(self, key: str, fingerprint: str) -> CommandResult | None:
        record: CommandRecord | None = self.app.recorder.select_command(key)  # type: ignore[attr-defined]
        if record is None:
            return None
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used for a different request",
                field="Idempotency-Key",
            )
        return CommandResult(UUID(record.aggregate_id), record.version, record.position)
