"""`python -m bench`: run every benchmark module, print one table, write JSON.

python -m bench                          # all modules, default sizes, SQLite + PostgreSQL
python -m bench --only command_path,verify --backend sqlite
python -m bench --scale 0.2              # everything five times smaller
python -m bench --size rebuild_events=100000 --size city_events=1000000
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import bench
from bench.harness import BACKENDS, Row, Sizes, table, write_json
from bench.machine import machine

# Modules run in this order first; any other bench/<name>.py exposing run() follows.
ORDER = ("command_path", "group_commit", "http", "verify", "rebuild", "city_rebuild")
NOT_BENCHMARKS = {"harness", "__main__"}


def discover(only: Sequence[str] = ()) -> list[tuple[str, Callable[[Sizes], list[Row]]]]:
    """(name, run) of every bench module that exposes `run`; missing ones are skipped."""
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name not in NOT_BENCHMARKS
    )
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    found = []
    for name in names:
        if only and name not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "run", None)
        if callable(run):
            found.append((name, run))
    return found


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated module names")
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply default sizes")
    parser.add_argument(
        "--size", action="append", default=[], metavar="NAME=N", help="override one size"
    )
    parser.add_argument("--list", action="store_true", help="list benchmark modules and exit")
    return parser.parse_args(argv)


def sizes_from(args: argparse.Namespace) -> Sizes:
    overrides = {}
    for item in args.size:
        name, _, value = item.partition("=")
        overrides[name.strip()] = int(value)
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    return Sizes(overrides, scale=args.scale, backends=backends)


def run_all(
    modules: Sequence[tuple[str, Callable[[Sizes], list[Row]]]], sizes: Sizes
) -> tuple[list[Row], dict[str, str]]:
    rows: list[Row] = []
    errors: dict[str, str] = {}
    for name, run in modules:
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            rows.extend(run(sizes))
        except Exception:  # noqa: BLE001 - one broken module must not hide the others
            errors[name] = traceback.format_exc()
            print(f"!! {name} failed:\n{errors[name]}", file=sys.stderr)
    return rows, errors


def main(argv: Sequence[str] | None = None, modules: Any = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    found = modules if modules is not None else discover(only)
    if args.list:
        print("\n".join(name for name, _ in found))
        return 0
    sizes = sizes_from(args)
    rows, errors = run_all(found, sizes)
    info = machine()
    print(table(rows, info))
    path = write_json(rows, info, sizes, errors)
    print(f"\nsizes: {sizes.used}\nJSON: {path}")
    return 1 if errors else 0


def main_for(name: str, run: Callable[[Sizes], list[Row]]) -> None:
    """Entry point of `python -m bench.<name>`: the same table for one module."""
    sys.exit(main(modules=[(name, run)]))


if __name__ == "__main__":
    sys.exit(main())
