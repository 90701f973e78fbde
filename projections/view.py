"""What a projection's handlers see of its tables: the one interface between a projection
and the machinery that stores its rows (`infra/views/`).

Rows are plain dicts keyed by column name; a key is the primary key's values in column
order. Reads see every write made earlier in the same batch. Nothing is written to the
database until the batch ends, all at once.
"""

from __future__ import annotations

from typing import Any, Protocol


class View(Protocol):
    @property
    def position(self) -> int:
        """The log position of the event being applied."""
        ...

    def get(self, table: str, *key: Any) -> dict[str, Any] | None:
        """The row with this primary key, or None."""
        ...

    def find(self, table: str, **criteria: Any) -> list[dict[str, Any]]:
        """The rows whose columns equal these values (reads the database: use sparingly)."""
        ...

    def key(self, table: str, row: dict[str, Any]) -> tuple[Any, ...]:
        """The primary key of this row."""
        ...

    def put(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """Insert the row, or replace the row with its primary key."""
        ...

    def insert(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """Insert a row whose key is known to be new (an aggregate's created-event)."""
        ...

    def update(self, table: str, *key: Any, **changes: Any) -> dict[str, Any]:
        """Change these columns of the row with this key (LookupError if there is none)."""
        ...

    def add(self, table: str, row: dict[str, Any]) -> None:
        """Append a row that is never read or changed later (ledger lines, history)."""
        ...

    def delete(self, table: str, *key: Any) -> None:
        """Delete the row with this key."""
        ...
