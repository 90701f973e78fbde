"""R11 subsidy rules: the policy settings (recorded as events) and the pure rules that
say what is due.

- start-up fund (启动资金): once to each company party branch founded on or after the
  policy's start date; amount = the setting in force on the founding date.
- yearly party-building subsidy (党建工作经费补助): once per branch active in a calendar
  year; amount = the setting in force on 1 January of that year, pro-rated by months
  active if the `pro_rating` setting says so (default: none).
- eligibility by founding method: both are paid only to organisations founded by a method
  the eligibility setting in force names (on the founding date for the start-up fund, on
  1 January or the founding date for a year). The seed funds "新建的物业服务企业党支部" —
  start-up funds *and*, in the same sentence and to the same recipients, the yearly
  subsidy — so by default only branches newly founded in companies are eligible: standalone
  (单独建) and joint (联合建); an affiliated (挂靠建) organisation, attached to an existing
  one, founds no new company branch and gets neither (DEFAULT_ELIGIBLE_METHODS).

Amounts are integer fen. An entitlement stores its amount when it is raised, so a later
change of the settings never alters a past entitlement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LedgerAggregate, natural_id
from domain.errors import NotEligibleForSubsidy, RuleViolation
from domain.subsidy_branches import FOUNDING_METHODS

STARTUP = "startup"
YEARLY = "yearly"
KINDS = (STARTUP, YEARLY)
KIND_LABELS = {STARTUP: "启动资金", YEARLY: "党建工作经费补助"}
PRO_RATING = ("none", "monthly")
DEFAULT_ELIGIBLE_METHODS = ("standalone", "joint")
MAX_FEN = 10**12  # 10 billion yuan: anything larger is a typo


def check_fen(fen: int, field: str = "amount_fen") -> int:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise RuleViolation(f"{field} must be a whole number of fen", field=field)
    if fen <= 0:
        raise RuleViolation(f"{field} must be positive", field=field)
    if fen > MAX_FEN:
        raise RuleViolation(f"{field} is too large", field=field)
    return fen


def fen_to_yuan(fen: int) -> str:
    """Fen as yuan with two decimals, e.g. 500000 -> '5000.00' (exact, no float)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


@dataclass(frozen=True)
class PolicySettings:
    """One version of the policy, in force from `effective_from`."""

    effective_from: date
    start_date: date  # branches founded on or after this date get the start-up fund
    startup_fund_fen: int
    yearly_subsidy_fen: int
    pro_rating: str = "none"
    version: int = 0  # the policy aggregate's version that recorded it

    def validate(self) -> PolicySettings:
        check_fen(self.startup_fund_fen, "startup_fund")
        check_fen(self.yearly_subsidy_fen, "yearly_subsidy")
        if self.pro_rating not in PRO_RATING:
            raise RuleViolation(f"pro_rating is one of {', '.join(PRO_RATING)}", field="pro_rating")
        return self


@dataclass(frozen=True)
class Due:
    """What a rule says is due: the amount and why (stored with the entitlement)."""

    amount_fen: int
    basis: str
    policy_version: int


@dataclass(frozen=True)
class Eligibility:
    """Founding methods whose organisations are subsidised, from `effective_from`."""

    effective_from: date
    methods: tuple[str, ...]
    version: int = 0

    def validate(self) -> Eligibility:
        unknown = [m for m in self.methods if m not in FOUNDING_METHODS]
        if unknown or not self.methods or len(set(self.methods)) != len(self.methods):
            raise RuleViolation(
                f"methods are distinct, at least one, of {', '.join(FOUNDING_METHODS)}",
                field="methods",
            )
        return self


def eligible_methods_on(rules: list[Eligibility], day: date) -> tuple[str, ...]:
    """The founding methods eligible on `day` (the default before any setting)."""
    in_force = [r for r in rules if r.effective_from <= day]
    if not in_force:
        return DEFAULT_ELIGIBLE_METHODS
    return max(in_force, key=lambda r: (r.effective_from, r.version)).methods


def check_eligible(rules: list[Eligibility], method: str, day: date) -> None:
    methods = eligible_methods_on(rules, day)
    if method not in methods:
        raise NotEligibleForSubsidy(
            f"an organisation founded {method} is not eligible on {day} "
            f"(eligible: {', '.join(methods)})",
            field="branch_id",
        )


def settings_on(history: list[PolicySettings], day: date) -> PolicySettings:
    """The settings in force on `day` (the latest one effective on or before it)."""
    in_force = [s for s in history if s.effective_from <= day]
    if not in_force:
        raise RuleViolation(f"no subsidy policy was in force on {day}", field="policy")
    return max(in_force, key=lambda s: (s.effective_from, s.version))


def startup_fund_due(history: list[PolicySettings], founded_on: date) -> Due:
    settings = settings_on(history, founded_on)
    if founded_on < settings.start_date:
        raise RuleViolation(
            f"founded on {founded_on}, before the policy start date {settings.start_date}: "
            "no start-up fund is due",
            field="branch_id",
        )
    basis = f"start-up fund: founded {founded_on} ≥ policy start {settings.start_date}"
    return Due(settings.startup_fund_fen, basis, settings.version)


def months_active(year: int, founded_on: date, dissolved_on: date | None) -> int:
    """Calendar months of `year` in which the branch existed for at least one day."""
    first = max(date(year, 1, 1), founded_on)
    last = min(date(year, 12, 31), dissolved_on or date(year, 12, 31))
    if last < first:
        return 0
    return last.month - first.month + 1


def yearly_subsidy_due(
    history: list[PolicySettings], year: int, founded_on: date, dissolved_on: date | None
) -> Due:
    months = months_active(year, founded_on, dissolved_on)
    if months == 0:
        raise RuleViolation(f"the branch was not active in {year}", field="year")
    settings = settings_on(history, max(date(year, 1, 1), founded_on))
    amount = settings.yearly_subsidy_fen
    basis = f"yearly subsidy {year}: active {months} month(s)"
    if settings.pro_rating == "monthly" and months < 12:
        amount = amount * months // 12
        basis += f", pro-rated {months}/12"
    return Due(amount, basis, settings.version)


def check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise RuleViolation("year must be between 2000 and 2100", field="year")
    return year


class SubsidyPolicy(LedgerAggregate):
    """The district's subsidy policy: a stream of settings and of opened years."""

    @staticmethod
    def create_id(**_: object) -> UUID:
        return natural_id("subsidy-policy", "district")

    @event("Configured")
    def __init__(
        self,
        *,
        effective_from: date,
        start_date: date,
        startup_fund_fen: int,
        yearly_subsidy_fen: int,
        pro_rating: str,
    ) -> None:
        self.history: list[PolicySettings] = []
        self.open_years: list[int] = []
        self.eligibility: list[Eligibility] = []
        self._record(effective_from, start_date, startup_fund_fen, yearly_subsidy_fen, pro_rating)

    @classmethod
    def configure(cls, settings: PolicySettings) -> SubsidyPolicy:
        s = settings.validate()
        return cls(
            effective_from=s.effective_from,
            start_date=s.start_date,
            startup_fund_fen=s.startup_fund_fen,
            yearly_subsidy_fen=s.yearly_subsidy_fen,
            pro_rating=s.pro_rating,
        )

    def change(self, settings: PolicySettings) -> None:
        s = settings.validate()
        latest = max(h.effective_from for h in self.history)
        if s.effective_from < latest:
            raise RuleViolation(
                f"a change takes effect on or after the latest one ({latest})",
                field="effective_from",
            )
        self._changed(
            effective_from=s.effective_from,
            start_date=s.start_date,
            startup_fund_fen=s.startup_fund_fen,
            yearly_subsidy_fen=s.yearly_subsidy_fen,
            pro_rating=s.pro_rating,
        )

    def set_eligibility(self, rule: Eligibility) -> None:
        r = rule.validate()
        latest = max((e.effective_from for e in self.eligibility), default=None)
        if latest is not None and r.effective_from < latest:
            raise RuleViolation(
                f"a change takes effect on or after the latest one ({latest})",
                field="effective_from",
            )
        self._eligibility_set(effective_from=r.effective_from, methods=list(r.methods))

    @event("EligibilitySet")
    def _eligibility_set(self, effective_from: date, methods: list[str]) -> None:
        version = len(self.eligibility) + 1
        self.eligibility.append(Eligibility(effective_from, tuple(methods), version))

    def open_year(self, year: int) -> None:
        check_year(year)
        if year in self.open_years:
            raise RuleViolation(f"{year} is already open", field="year")
        self._year_opened(year=year)

    @event("Changed")
    def _changed(
        self,
        effective_from: date,
        start_date: date,
        startup_fund_fen: int,
        yearly_subsidy_fen: int,
        pro_rating: str,
    ) -> None:
        self._record(effective_from, start_date, startup_fund_fen, yearly_subsidy_fen, pro_rating)

    @event("YearOpened")
    def _year_opened(self, year: int) -> None:
        self.open_years.append(year)

    def _record(
        self,
        effective_from: date,
        start_date: date,
        startup_fund_fen: int,
        yearly_subsidy_fen: int,
        pro_rating: str,
    ) -> None:
        """Append one version of the settings (numbered 1, 2, ... in order)."""
        version = len(self.history) + 1
        self.history.append(
            PolicySettings(
                effective_from,
                start_date,
                startup_fund_fen,
                yearly_subsidy_fen,
                pro_rating,
                version,
            )
        )

    @property
    def current(self) -> PolicySettings:
        return self.history[-1]
