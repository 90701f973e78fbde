"""Which rows of a read model a caller may read, as a SQL condition.

`api/read_policy.py` turns the caller (role, scope, user) into a `ReadScope`; every query
function that serves an API read takes one (`scope=`) and adds `within(...)` to its WHERE
clause, so a page, and its total, only ever count rows the caller may read. Internal
callers (the CLI, exports, the processes) read `EVERYTHING`, the default.

A row is readable when any basis the scope carries matches it: it lies in the org unit or
below (by the `org_closure` read model), it belongs to the company, or the user reported it.
A scope carrying no basis reads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, false, literal, or_, select, true

from projections.org_closure import org_closure


@dataclass(frozen=True)
class ReadScope:
    everything: bool = False
    unit_id: str | None = None  # rows in this org unit or below
    company_id: str | None = None  # rows of this company
    reporter_id: str | None = None  # rows this user reported

    def reads_company(self, company_id: str) -> bool:
        """Whether the scope covers the company's own records."""
        return self.everything or self.company_id == company_id


EVERYTHING = ReadScope(everything=True)
NOTHING = ReadScope()


def under(unit_id: str) -> Any:
    """The ids of the unit and of every unit below it (a subquery of the closure)."""
    closure = org_closure.c
    return select(closure.descendant_id).where(closure.ancestor_id == unit_id)


def covers_unit(conn: Connection, scope: ReadScope, unit_id: str) -> bool:
    """Whether the unit lies in the scope's unit (or the scope covers everything)."""
    if scope.everything:
        return True
    if scope.unit_id is None:
        return False
    closure = org_closure.c
    found = select(closure.depth).where(
        closure.ancestor_id == scope.unit_id, closure.descendant_id == unit_id
    )
    return conn.execute(found).first() is not None


def within(
    scope: ReadScope,
    *,
    units: tuple[Any, ...] = (),
    company: Any = None,
    companies_csv: Any = None,
    companies_json: Any = None,
    reporter: Any = None,
) -> ColumnElement[bool]:
    """The condition a row meets when the scope covers it: one of its `units` columns names a
    unit in the scope's unit (a unit may also be a function of that subtree's subquery), its `company` column is the scope's company (or its
    `companies_csv` column, ids joined by commas, or `companies_json`, a JSON list of ids,
    lists it), or its `reporter` column is the scope's user."""
    if scope.everything:
        return true()
    parts: list[ColumnElement[bool]] = []
    if scope.unit_id is not None:
        subtree = under(scope.unit_id)
        parts.extend(unit(subtree) if callable(unit) else unit.in_(subtree) for unit in units)
    if scope.company_id is not None:
        if company is not None:
            parts.append(company == scope.company_id)
        if companies_csv is not None:
            joined = literal(",") + companies_csv + literal(",")
            parts.append(joined.contains(f",{scope.company_id},", autoescape=True))
        if companies_json is not None:
            parts.append(companies_json.contains(f'"{scope.company_id}"', autoescape=True))
    if scope.reporter_id is not None and reporter is not None:
        parts.append(reporter == scope.reporter_id)
    return or_(*parts) if parts else false()
