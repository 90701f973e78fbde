"""The command metadata of a call made from the command line."""

from __future__ import annotations

from api.auth import WHOLE_DISTRICT
from domain.metadata import command_context


def run_as_cli(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run an application call with CLI metadata (actor = the OS user)."""
    import getpass

    with command_context(
        actor_id=f"cli:{getpass.getuser()}",
        role="district_admin",
        scope=WHOLE_DISTRICT,
        channel="cli",
    ):
        return fn(*args, **kwargs)
