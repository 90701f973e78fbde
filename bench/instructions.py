"""Instructions per command under callgrind: a deterministic A/B for the command path.

Wall-clock ratios on a shared two-core machine move by several percent from run to run;
instruction counts do not. Each kind runs twice under `valgrind --tool=callgrind` (0 and N
commands after the same warm-up); the difference divided by N is the cost of one command,
start-up excluded. Storage work inside SQLite is counted, waiting for the disk is not.

    python -m bench.instructions                 # bare save(), our tick, our rename
    python -m bench.instructions --kinds ticks --commands 3000

Needs valgrind (`apt-get install valgrind`); it is not part of `make bench`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from eventsourcing.application import Application

from bench.command_path import register_districts, run_renames, run_ticks, save_bare
from bench.harness import bare_env, temp_database
from infra.bootstrap import build_system

KINDS = ("bare", "ticks", "renames")
WARM_UP = 50


def run_kind(kind: str, count: int) -> None:
    """The child: warm up, then `count` commands of `kind` on a fresh SQLite log."""
    with temp_database("sqlite", "instr") as settings:
        if kind == "bare":
            bare: Application[object] = Application(env=bare_env(settings))
            save_bare(bare, WARM_UP)
            save_bare(bare, count)
            bare.close()
            return
        system = build_system(settings)
        if kind == "ticks":
            run_ticks(system, WARM_UP, "warm")
            run_ticks(system, count, "measured")
        else:
            units = register_districts(system, WARM_UP)
            run_renames(system, units, WARM_UP, "warm")
            run_renames(system, units, count, "measured")
        system.close()


def total_instructions(kind: str, count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="redprop-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        child = [sys.executable, "-m", "bench.instructions", "--child", kind, str(count)]
        valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        subprocess.run([*valgrind, *child], check=True, capture_output=True)
        summary = re.search(r"^summary:\s+(\d+)", out.read_text(), re.MULTILINE)
        if summary is None:
            raise RuntimeError(f"no summary line in {out}")
        return int(summary.group(1))


def per_command(kind: str, count: int) -> int:
    return (total_instructions(kind, count) - total_instructions(kind, 0)) // count


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="comma-separated: " + ", ".join(KINDS)
    )
    parser.add_argument("--commands", type=int, default=1500)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_kind(args.child[0], int(args.child[1]))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {sorted(unknown)}")
    for kind in kinds:
        print(f"{kind:8s} {per_command(kind, args.commands):>12,} instructions/command")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
