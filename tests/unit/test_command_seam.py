"""The typed seam: every command dataclass has exactly one handler, and handle() uses it."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import typing
from typing import Any

import pytest

import domain
from domain.app import RedPropertyApp
from domain.handling import Command, UnknownCommand, merge_tables


def _all_commands() -> list[type[Command[Any]]]:
    for module in pkgutil.iter_modules(domain.__path__):
        importlib.import_module(f"domain.{module.name}")
    found: list[type[Command[Any]]] = []
    stack: list[type[Command[Any]]] = [Command]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub.__module__.startswith("domain."):
                found.append(sub)
            stack.append(sub)
    return found


def test_every_command_is_a_frozen_dataclass_with_one_handler() -> None:
    for command_type in _all_commands():
        assert dataclasses.is_dataclass(command_type), command_type
        assert command_type.__dataclass_params__.frozen, command_type  # type: ignore[attr-defined]
        assert command_type in RedPropertyApp.handlers, f"{command_type.__name__} has no handler"


def test_each_handler_takes_the_command_it_is_listed_for() -> None:
    for command_type, handler in RedPropertyApp.handlers.items():
        hints = typing.get_type_hints(handler)
        taken = [h for name, h in hints.items() if name != "return"]
        assert taken[-1] is command_type, f"{handler.__name__} takes {taken[-1]}"


def test_an_unlisted_command_is_a_wiring_error() -> None:
    @dataclasses.dataclass(frozen=True)
    class Unlisted(Command[int]):
        pass

    app = RedPropertyApp.__new__(RedPropertyApp)
    with pytest.raises(UnknownCommand, match="Unlisted"):
        app.handle(Unlisted())


def test_a_command_listed_twice_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Twice(Command[int]):
        pass

    def first(app: Any, command: Twice) -> int:
        return 1

    with pytest.raises(ValueError, match="Twice has two handlers"):
        merge_tables({Twice: first}, {Twice: first})
    assert merge_tables({Twice: first})[Twice] is first
