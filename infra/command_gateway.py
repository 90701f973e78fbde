"""Runs commands: idempotency by key, retry on a lost race, wake the projections."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.commands import CommandResult
from domain.errors import Conflict, DomainError, IdempotencyKeyReused
from infra.storage.command_log import CommandRecord, pending_command

# Writers racing on one aggregate (e.g. units registered under one parent) retry with
# jittered back-off; 20 attempts wait about 1 s on average (2 s at most) before a 409.
MAX_ATTEMPTS = 20


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
        fingerprint returns the first result and stores nothing.

        Optimistic: the key is not looked up first. The recorder stores the idempotency
        record in the events' transaction (primary key = the key), so a repeat fails
        there (IntegrityError) or earlier in the domain (e.g. AlreadyExists), and only
        then is the first result looked up. A command that stored no event is checked too.
        """
        for attempt in range(MAX_ATTEMPTS):
            if not idempotency_key:
                try:
                    result = command()
                except IntegrityError:
                    _back_off(attempt)  # another writer won: reload and re-check the rules
                    continue
                self.on_commit()
                return result, False
            try:
                with pending_command(idempotency_key, fingerprint) as pending:
                    result = command()
            except (IntegrityError, DomainError) as failure:
                earlier = self._earlier(idempotency_key, fingerprint)
                if earlier is not None:
                    return earlier, True
                if isinstance(failure, IntegrityError):
                    _back_off(attempt)  # a lost race, not a repeat: reload and re-check
                    continue
                raise
            if not pending.stored:
                earlier = self._earlier(idempotency_key, fingerprint)
                if earlier is not None:
                    return earlier, True
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


def _back_off(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))
