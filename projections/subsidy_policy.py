"""Read model of the subsidy policy (R11): its settings over time, the eligibility rules and
the open years, numbered as the policy numbers them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, String, Table, select

from domain.subsidy_policy import SubsidyPolicy
from projections.base import Projection, handles
from projections.view import View

metadata = MetaData()

policies = Table(
    "subsidy_policy",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("settings", Integer, nullable=False),
    Column("eligibility", Integer, nullable=False),
)
policy_settings = Table(
    "subsidy_policy_settings",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("effective_from", String(10), nullable=False),
    Column("start_date", String(10), nullable=False),
    Column("startup_fund_fen", BigInteger, nullable=False),
    Column("yearly_subsidy_fen", BigInteger, nullable=False),
    Column("pro_rating", String(10), nullable=False),
)
policy_eligibility = Table(
    "subsidy_policy_eligibility",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("effective_from", String(10), nullable=False),
    Column("methods", String(200), nullable=False),
)
open_years = Table(
    "subsidy_open_years",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("position", BigInteger, nullable=False),
)


class SubsidyPolicyProjection(Projection):
    name = "subsidy_policy"
    metadata = metadata

    @handles(SubsidyPolicy, "Configured")
    def subsidy_policy_configured(self, event: Any, view: View) -> None:
        view.insert(
            "subsidy_policy",
            {"id": str(event.originator_id), "version": 0, "settings": 0, "eligibility": 0},
        )
        self.subsidy_policy_changed(event, view)

    @handles(SubsidyPolicy, "Changed")
    def subsidy_policy_changed(self, event: Any, view: View) -> None:
        number = _touch(view, event, "settings")
        view.insert(
            "subsidy_policy_settings",
            {
                "version": number,
                "effective_from": event.effective_from.isoformat(),
                "start_date": event.start_date.isoformat(),
                "startup_fund_fen": event.startup_fund_fen,
                "yearly_subsidy_fen": event.yearly_subsidy_fen,
                "pro_rating": event.pro_rating,
            },
        )

    @handles(SubsidyPolicy, "EligibilitySet")
    def subsidy_policy_eligibility_set(self, event: Any, view: View) -> None:
        number = _touch(view, event, "eligibility")
        view.insert(
            "subsidy_policy_eligibility",
            {
                "version": number,
                "effective_from": event.effective_from.isoformat(),
                "methods": ",".join(event.methods),
            },
        )

    @handles(SubsidyPolicy, "YearOpened")
    def subsidy_policy_year_opened(self, event: Any, view: View) -> None:
        _touch(view, event)
        view.insert("subsidy_open_years", {"year": event.year, "position": view.position})


def _touch(view: View, event: Any, counter: str | None = None) -> int:
    """Stamp the policy with the event's version; with `counter`, count one more of it and
    return the new count."""
    policy = view.get("subsidy_policy", str(event.originator_id))
    assert policy is not None
    changes = {"version": event.originator_version}
    if counter:
        changes[counter] = policy[counter] + 1
    view.update("subsidy_policy", policy["id"], **changes)
    return changes[counter] if counter else 0


# -- queries ------------------------------------------------------------------------------


def get_policy(conn: Connection) -> dict[str, Any] | None:
    """The policy's version, its settings and eligibility rules in the order recorded, and
    the open years in the order opened; None before the policy is first set."""
    row = conn.execute(select(policies.c.version)).first()
    if row is None:
        return None
    settings = conn.execute(select(policy_settings).order_by(policy_settings.c.version))
    eligibility = conn.execute(select(policy_eligibility).order_by(policy_eligibility.c.version))
    years = conn.execute(select(open_years.c.year).order_by(open_years.c.position))
    return {
        "version": row.version,
        "settings": [dict(r._mapping) for r in settings],
        "open_years": [year for (year,) in years],
        "eligibility": [
            {"effective_from": r.effective_from, "methods": r.methods.split(",")}
            for r in eligibility
        ],
    }
