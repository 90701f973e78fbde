"""The shared shape of a route's decorators: who may call it, what it takes, what it
answers (always with a schema, so the OpenAPI document describes every response)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema

from api.auth import require
from api.schemas import CommandResultSchema

View = Callable[..., Any]


def command_route(
    blp: Blueprint, roles: tuple[str, ...], body: type[Schema], status: int = 200
) -> Callable[[View], View]:
    """A command: its body's schema; it answers the command's result."""

    def decorate(view: View) -> View:
        answered = blp.response(status, CommandResultSchema)(view)
        return require(*roles)(blp.arguments(body)(answered))

    return decorate


def read_route(
    blp: Blueprint,
    roles: tuple[str, ...] | frozenset[str],
    answer: type[Schema],
    args: type[Schema] | None = None,
) -> Callable[[View], View]:
    """A read: its query arguments' schema, if any, and its answer's."""

    def decorate(view: View) -> View:
        answered = blp.response(200, answer)(view)
        if args is not None:
            answered = blp.arguments(args, location="query")(answered)
        return require(*roles)(answered)

    return decorate
