"""Mutation scores per module from mutmut's results (mutants/**/*.py.meta).

    python -m tests.mutation.score            # the table (markdown)
    python -m tests.mutation.score --check    # ... and exit 1 if a target is missed
    python -m tests.mutation.score --survivors  # the surviving mutants, not yet explained
    python -m tests.mutation.score --sample '*7'  # only the mutants whose names match

Killed counts mutants a test failed on (or timed out on); the score is killed / (mutants -
equivalent mutants). Equivalent mutants are listed with their reason in equivalent.txt.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "mutants"
EQUIVALENT = Path(__file__).with_name("equivalent.txt")
TARGET = 0.85

# the modules held to the target, grouped as the score is reported
GROUPS: dict[str, tuple[str, ...]] = {
    "domain/service_issues.py": ("domain/service_issues.py",),
    "domain/subsidy_entitlement.py + subsidy_budget.py": (
        "domain/subsidy_entitlement.py",
        "domain/subsidy_budget.py",
    ),
    "domain/assessment_scoring.py + indicators.py": (
        "domain/assessment_scoring.py",
        "domain/indicators.py",
    ),
    "infra/storage/chain.py": ("infra/storage/chain.py",),
    "domain/org_bodies.py": ("domain/org_bodies.py",),
}
KILLED = {1, 3, 24, 36, 37, 152, 255, -24}  # failed, pytest error, timeouts, type check
SURVIVED = {0}
NO_TESTS = {5, 33}


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def results(path: str) -> dict[str, int | None]:
    meta = RESULTS / f"{path}.meta"
    if not meta.exists():
        return {}
    codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    return codes


def other_modules() -> dict[str, tuple[str, ...]]:
    """Modules outside GROUPS that were run (e.g. `make mutate MUTATE_MODULES=domain.x`):
    each gets its own row, held to the same target."""
    grouped = {path for paths in GROUPS.values() for path in paths}
    found = {}
    for meta in sorted(RESULTS.glob("**/*.py.meta")):
        path = str(meta.relative_to(RESULTS)).removesuffix(".meta")
        if path not in grouped and any(code is not None for code in results(path).values()):
            found[path] = (path,)
    return found


def equivalents() -> dict[str, str]:
    """mutant name -> why it cannot be told apart from the original."""
    listed = {}
    for number, line in enumerate(EQUIVALENT.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, _, reason = line.partition("#")
        if not reason.strip():
            raise SystemExit(f"{EQUIVALENT.name}:{number}: an equivalent mutant needs a reason")
        listed[name.strip()] = reason.strip()
    return listed


def tally(paths: Iterable[str], excluded: dict[str, str], only: set[str] | None) -> dict[str, int]:
    count = dict.fromkeys(("mutants", "equivalent", "killed", "survived", "no_tests",
                           "unchecked"), 0)  # fmt: skip
    for path in paths:
        for name, code in results(path).items():
            if only is not None and not fnmatch(name, only):
                continue
            count["mutants"] += 1
            if name in excluded:
                count["equivalent"] += 1
            elif code in KILLED:
                count["killed"] += 1
            elif code in SURVIVED:
                count["survived"] += 1
            elif code in NO_TESTS:
                count["no_tests"] += 1
            else:
                count["unchecked"] += 1
    return count


def score(count: dict[str, int]) -> float | None:
    counted = count["mutants"] - count["equivalent"] - count["unchecked"]
    return count["killed"] / counted if counted else None


def table(
    groups: dict[str, tuple[str, ...]], excluded: dict[str, str], only: str | None = None
) -> tuple[str, bool]:
    lines = [
        "| module | mutants | equivalent | killed | survived | no test | score | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    met = True
    for label, paths in groups.items():
        count = tally(paths, excluded, only)
        value = score(count)
        ok = value is not None and value >= TARGET and not count["unchecked"]
        met &= ok
        shown = "not run" if value is None else f"{value:.1%}"
        if count["unchecked"]:
            shown += f" ({count['unchecked']} not run)"
        lines.append(
            f"| {label} | {count['mutants']} | {count['equivalent']} | {count['killed']} | "
            f"{count['survived']} | {count['no_tests']} | {shown} | "
            f"{'met' if ok else 'MISSED'} (>= {TARGET:.0%}) |"
        )
    return "\n".join(lines), met


def known() -> set[str]:
    """Every mutant name of the modules that were run."""
    groups = {**GROUPS, **other_modules()}
    return {name for paths in groups.values() for path in paths for name in results(path)}


def survivors(excluded: dict[str, str]) -> list[str]:
    return [
        name
        for paths in {**GROUPS, **other_modules()}.values()
        for path in paths
        for name, code in results(path).items()
        if code is not None and code not in KILLED and name not in excluded
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--survivors", action="store_true")
    parser.add_argument("--sample", metavar="PATTERN", help="only mutants matching PATTERN")
    args = parser.parse_args(argv)
    excluded = equivalents()
    if args.survivors:
        print("\n".join(survivors(excluded)))
        return 0
    text, met = table({**GROUPS, **other_modules()}, excluded, args.sample)
    print(text)
    stale = sorted(n for n in set(excluded) - known() if any(
        n.startswith(module_name(path) + ".") for paths in GROUPS.values() for path in paths
        if any(code is not None for code in results(path).values())
    ))  # fmt: skip
    if stale:
        print(f"{EQUIVALENT.name} names mutants this run does not have: {', '.join(stale)}")
    return 0 if met or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
