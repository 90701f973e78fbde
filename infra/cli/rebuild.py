"""`redprop rebuild`: projections rebuilt from position 0 beside the live ones."""

from __future__ import annotations

import click

from infra.cli.console import progress
from infra.cli.system import open_system
from infra.rebuild import rebuild as rebuild_projection


@click.command()
@click.argument("names", nargs=-1)
def rebuild(names: tuple[str, ...]) -> None:
    """Rebuild projections from position 0 beside the live ones, then switch."""
    with open_system() as system:
        known = {r.projection.name: r for r in system.runners}
        unknown = set(names) - set(known)
        if unknown:
            raise click.BadParameter(
                f"unknown projections {sorted(unknown)}; known: {sorted(known)}"
            )
        head = system.app.recorder.max_notification_id() or 0
        with progress() as bars:
            for name in names or known:
                task = bars.add_task(f"rebuild {name}", total=head)
                position = rebuild_projection(
                    system.app,
                    system.write_engine,
                    known[name].projection,
                    progress=lambda n, t=task: bars.advance(t, n),
                )
                bars.update(task, completed=head, description=f"rebuilt {name} @ {position}")
