"""Command line: ``python -m palermo.dedup link INPUT.csv --out CLUSTERS.csv``.

The contract (columns, errors, exit codes) is in docs/dedup.md; operators and
the benchmark depend on it, so change it only together with that page. No
database and no Django settings are needed.

Exit codes: 0 done (warnings may have been printed), 2 wrong arguments,
3 input file unusable, 4 model file unusable.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from palermo.dedup.engine.csvio import InputError, read_registrations
from palermo.dedup.engine.model import Model, ModelError

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_MODEL = 4
MAX_WARNINGS_SHOWN = 200


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a probability strictly between 0 and 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m palermo.dedup",
        description="Find registrations of the same person (record linkage).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    link = sub.add_parser("link", help="cluster the registrations of INPUT into persons")
    link.add_argument("input", type=Path, metavar="INPUT.csv")
    link.add_argument("--out", type=Path, required=True, metavar="CLUSTERS.csv")
    link.add_argument(
        "--threshold",
        type=_probability,
        default=None,
        metavar="P",
        help="match probability at which two registrations may be linked "
        "(default: the model's, 0.5 for the shipped model)",
    )
    link.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    link.add_argument("--model", type=Path, default=None, help="model JSON (default: shipped)")
    link.add_argument(
        "--pairs", type=Path, default=None, metavar="PAIRS.csv",
        help="also write the scored pairs with probability >= 0.5 and their field levels",
    )  # fmt: skip
    link.add_argument("--threads", type=int, default=2, help="worker threads (default 2)")

    train = sub.add_parser("train", help="estimate a model (u by sampling, m by EM) from INPUT")
    train.add_argument("input", type=Path, metavar="INPUT.csv")
    train.add_argument("--out", type=Path, required=True, metavar="MODEL.json")
    train.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    train.add_argument("--threads", type=int, default=2)
    train.add_argument("--description", default="")
    return parser


def _print_warnings(issues: Sequence[object]) -> None:
    for issue in issues[:MAX_WARNINGS_SHOWN]:
        print(f"warning: {issue}", file=sys.stderr)
    if len(issues) > MAX_WARNINGS_SHOWN:
        print(
            f"warning: ... and {len(issues) - MAX_WARNINGS_SHOWN} more warnings",
            file=sys.stderr,
        )


def _link(args: argparse.Namespace) -> int:
    from palermo.dedup.engine.pipeline import link_records

    started = time.perf_counter()
    model = Model.load(args.model)
    rows = read_registrations(args.input)
    result = link_records(
        rows, model=model, threshold=args.threshold, backend=args.backend, threads=args.threads
    )
    _print_warnings(result.issues)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["record_id", "cluster_id"])
        writer.writerows(zip(result.record_ids, result.cluster_ids, strict=True))
    if args.pairs is not None:
        columns = result.pairs.column_names
        with args.pairs.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows(
                zip(*(result.pairs.column(c).to_pylist() for c in columns), strict=True)
            )
    clusters = len(set(result.cluster_ids))
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in result.timings.items())
    print(
        f"{len(result.record_ids)} registrations, {clusters} persons, "
        f"{len(result.issues)} warnings, {time.perf_counter() - started:.1f} s ({steps}) "
        f"-> {args.out}",
        file=sys.stderr,
    )
    return EXIT_OK


def _train(args: argparse.Namespace) -> int:
    from palermo.dedup.engine.training import train_model

    rows = read_registrations(args.input)
    model = train_model(
        rows, backend=args.backend, threads=args.threads, description=args.description
    )
    model.save(args.out)
    print(f"model trained on {len(rows)} registrations -> {args.out}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return EXIT_USAGE if exc.code else EXIT_OK
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "link":
            return _link(args)
        return _train(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_MODEL
    except RuntimeError as exc:  # e.g. the spark backend without PySpark
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
