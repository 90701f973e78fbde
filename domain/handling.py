"""Commands as data. Every command is a frozen dataclass deriving from `Command[R]` (R is
what handling it returns) and is handled by exactly one function of its area's handler
module, listed in that module's `HANDLERS`. `RedPropertyApp.handle` dispatches by type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from domain.commands import CommandApplication

R = TypeVar("R", covariant=True)


@dataclass(frozen=True)
class Command(Generic[R]):
    """Base of every command: an imperative request, its fields the one place they are
    written (the API's schema is derived from them or checked against them)."""


Handler = Callable[["CommandApplication", Any], Any]
HandlerTable = Mapping[type[Command[Any]], Handler]


class UnknownCommand(LookupError):
    """A command type no handler module lists: a wiring error, never bad input."""


def merge_tables(*tables: HandlerTable) -> dict[type[Command[Any]], Handler]:
    """One dispatch table from each area's `HANDLERS`; a command listed twice is refused."""
    merged: dict[type[Command[Any]], Handler] = {}
    for table in tables:
        for command_type, handler in table.items():
            if command_type in merged:
                raise ValueError(f"{command_type.__name__} has two handlers")
            merged[command_type] = handler
    return merged
