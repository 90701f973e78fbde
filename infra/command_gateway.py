"""Runs commands: idempotency by key, retry on a lost race, wake the projections."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.commands import CommandResult
from domain.errors import Conflict, IdempotencyKeyReused
from infra.command_log import CommandRecord, pending_command

MAX_ATTEMPTS = 5


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
        for _attempt in range(MAX_ATTEMPTS):
            scope = (
                pending_command(idempotency_key, fingerprint) if idempotency_key else nullcontext()
            )
            try:
                with scope:
                    result = command()
            except IntegrityError:
                if idempotency_key:
                    earlier = self._earlier(idempotency_key, fingerprint)
                    if earlier is not None:
                        return earlier, True
                continue  # another writer won the race: reload and re-check the rules
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
