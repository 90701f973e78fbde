"""`redprop token`: a signed bearer token for a role and scope."""

from __future__ import annotations

import click

from api.auth import WHOLE_DISTRICT, mint_token
from api.roles import ROLES
from infra.bootstrap import token_keys
from infra.settings import Settings


@click.command()
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--scope",
    default=WHOLE_DISTRICT,
    show_default=True,
    help="org unit or company id the holder acts for; * for the whole district",
)
@click.option("--user", default="cli-user", show_default=True)
def token(role: str, scope: str, user: str) -> None:
    """Mint a signed bearer token."""
    settings = Settings.from_env()
    settings.check_production()
    click.echo(mint_token(token_keys(settings), user_id=user, role=role, scope=scope))
