"""An independent, deliberately simple recomputation of community scorecards straight
from the raw log (no projection, no domain scoring code), to check published ones."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")
POSITIVE = ("satisfied", "basically_satisfied")


def _when(event: Any) -> datetime:
    return datetime.fromisoformat(event.meta["occurred_at"])


def raw_counts(app: Any, months: list[str], upto: int) -> dict[str, dict[str, list[int]]]:
    """community id -> count name -> positions (households: position repeated per home)."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    compounds: dict[str, str] = {}
    issue: dict[str, dict[str, Any]] = {}
    for n in app.recorder.select_notifications(start=1, limit=10**6, stop=upto):
        e = app.mapper.to_domain_event(n)
        kind = n.topic.rsplit(":", 1)[1]
        month = _when(e).astimezone(SH).strftime("%Y-%m")
        inside = months[0] <= month <= months[-1]
        oid = str(e.originator_id)
        if kind == "OrgUnit.Registered" and e.kind == "compound":
            compounds[oid] = str(e.parent_id)
            if month <= months[-1]:
                out[str(e.parent_id)]["households"] += [n.id] * (e.households or 0)
            continue
        if not kind.startswith("ServiceIssue."):
            continue
        if kind == "ServiceIssue.Reported":
            issue[oid] = {
                "community": compounds[str(e.compound_id)],
                "accept_due": e.accept_due,
                "missed": set(),
                # the cohort of domain.figures: issues reported in the period
                "cohort": months[0] <= e.reported_at.astimezone(SH).strftime("%Y-%m") <= months[-1],
                "rating": None,
            }
        it = issue[oid]
        c = out[it["community"]]
        if kind == "ServiceIssue.Accepted":
            it["handle_due"] = e.handle_due
            late = (it["accept_due"] and _when(e) > it["accept_due"]) or "accept" in it["missed"]
            if it["cohort"]:
                if e.company_id is not None:  # no item here is referred out later
                    c["complaints"].append(n.id)
                c["accepted"].append(n.id)
                if not late:
                    c["accepted_on_time"].append(n.id)
        elif kind == "ServiceIssue.Reopened":
            it["handle_due"], it["missed"] = e.handle_due, set()
            if inside:
                c["reopened"].append(n.id)
        elif kind == "ServiceIssue.DeadlineMissed":
            it["missed"].add(e.stage)
        elif kind == "ServiceIssue.Handled":
            late = (it["handle_due"] and _when(e) > it["handle_due"]) or "handle" in it["missed"]
            if inside:
                c["handled"].append(n.id)
                if not late:
                    c["handled_on_time"].append(n.id)
        elif kind == "ServiceIssue.FeedbackGiven":
            before, it["rating"] = it["rating"], e.rating
            if it["cohort"] and before is None:
                c["feedback"].append(n.id)
            if it["cohort"] and (before in POSITIVE) != (e.rating in POSITIVE):
                # the last feedback counts: a positive one taken back is a -1 at its position
                c["satisfied" if e.rating in POSITIVE else "unsatisfied"].append(n.id)
        elif it["cohort"] and kind == "ServiceIssue.Closed" and it["rating"] in POSITIVE:
            c["resolved"].append(n.id)
    return out


# indicator -> (numerator count, denominator count, scale, cap at 100)
FORMULAS = {
    "satisfaction_rate": ("satisfied", "feedback", 100, False),  # minus "unsatisfied"
    "complaint_rate": ("complaints", "households", 100, False),
    "response_rate": ("accepted_on_time", "accepted", 100, False),
    "resolution_rate": ("resolved", "accepted", 100, False),
    "on_time_handling_rate": ("handled_on_time", "handled", 100, False),
    "reopen_rate": ("reopened", "handled", 100, False),
}


def expected_lines(counts: dict[str, list[int]], specs: list[dict]) -> list[dict[str, Any]]:
    lines = []
    for spec in specs:
        num_key, den_key, scale, cap = FORMULAS[spec["code"]]
        num, den = len(counts.get(num_key, [])), len(counts.get(den_key, []))
        taken_back = counts.get("unsatisfied", []) if num_key == "satisfied" else []
        num -= len(taken_back)
        value = None if den == 0 else round(num / den * scale, 4)  # published to 4 places
        if value is not None and cap:
            value = min(value, 100)
        if value is None:
            score = None if spec.get("no_data") == "excluded" else spec["no_data_score"]
        else:
            t = (value - spec["lower"]) / (spec["upper"] - spec["lower"])
            t = 1 - t if spec["direction"] == "lower" else t
            score = 100 * max(0, min(1, t))
        positions = sorted(
            set(counts.get(num_key, [])) | set(counts.get(den_key, [])) | set(taken_back)
        )
        lines.append(
            {
                "indicator": spec["code"],
                "numerator": num,
                "denominator": den,
                "value": value,
                "score": score,
                "weight": spec["weight"],
                "positions": positions,
            }
        )
    with_data = sum(line["weight"] for line in lines if line["score"] is not None)
    for line in lines:  # lines without data excluded: their weight goes to the others
        scored = line["score"] is not None
        line["weighted"] = line["score"] * line["weight"] / with_data if scored else 0.0
    return lines
