"""Instructions per request, counted by valgrind: what a page costs in CPU work, the same
on every run whatever else the machine is doing.

    .venv/bin/python -m bench.registry.instructions /bench/bare/ /registry/cases/
    .venv/bin/python -m bench.registry.instructions --db postgres --user investigator /registry/cases/
    .venv/bin/python -m bench.registry.instructions --search "Arta Krasniqi" /registry/search/

The machines these benchmarks run on change speed by a third from one minute to the next
(neighbours on the same host), so two timings of the same code taken minutes apart differ
as much as two versions of it. Callgrind counts the instructions the process executes
instead: for each path, ``bench.registry.profile`` runs under it twice, with ``--repeat``
requests and with four times as many, after the same warm-up; the difference of the two
totals divided by the extra requests is one request's count (start-up and warm-up cancel
out). The hash seed is fixed so that both runs take the same paths. Only this process is
counted: with PostgreSQL, the server's own work is not (SQLite runs in the process).

Prints millions of instructions per request and each path's ratio to the first.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COLLECTED = re.compile(r"Collected : (\d+)")


def count(path: str, repeat: int, args: argparse.Namespace, scratch: Path) -> int:
    """Instructions of a whole ``bench.registry.profile`` run of ``repeat`` requests."""
    command = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch / f'{repeat}.out'}",
        sys.executable, "-m", "bench.registry.profile", "--db", args.db, "--size", args.size,
        "--user", args.user,
        "--repeat", str(repeat), "--warmup", str(args.warmup), path,
    ] + (["--search", args.search] if args.search else [])  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    found = COLLECTED.search(run.stderr)
    if run.returncode or not found:
        raise SystemExit(f"callgrind failed for {path}:\n{run.stderr[-2000:]}")
    if "status 200," not in run.stdout:  # an error page or a redirect to sign in: not the page
        raise SystemExit(f"{path} did not answer 200: {run.stdout.strip()}")
    return int(found.group(1))


def per_request(path: str, args: argparse.Namespace) -> float:
    # One run after the other: run at once, each one's writes (every request is audited)
    # would make the other's SQLite connection drop its page cache, at moments that
    # depend on timing, and the rebuilding would be counted.
    with tempfile.TemporaryDirectory() as scratch:
        few, many = args.repeat, 4 * args.repeat
        totals = [count(path, n, args, Path(scratch)) for n in (few, many)]
    return (totals[1] - totals[0]) / (many - few)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", default="1m", help="bench database size label (default 1m)")
    parser.add_argument("--user", default="registrar.prizren")
    parser.add_argument("--search", default="", help="POST this name as search-before-create")
    parser.add_argument("--repeat", type=int, default=10, help="requests in the shorter run")
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    first = None
    for path in args.paths:
        instructions = per_request(path, args)
        first = first or instructions or 1.0
        print(
            f"{path}: {instructions / 1e6:.1f} M instructions per request"
            f" ({instructions / first:.2f} x {args.paths[0]})",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
