"""The plain Splink set-up the engine is compared with.

    python -m bench.dedup.reference INPUT.csv --out CLUSTERS.csv

What a careful analyst would build from Splink's documentation in an
afternoon: names lowercased and trimmed (no transliteration), Jaro-Winkler on
first and last name, Splink's date-of-birth comparison, exact sex and
citizenship; blocking on date of birth and on full name; the prior from a
deterministic rule, u by random sampling, m by EM (on date of birth, then on
full name, as the stack notes advise); connected components at 0.99. Same
input and output contract as ``python -m palermo.dedup link``; DuckDB with two
threads, like the engine.
"""

from __future__ import annotations

import argparse
import csv
import logging
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = ("record_id", "first_name", "last_name", "sex", "date_of_birth", "citizenship")


def load(path: Path) -> pa.Table:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))

    def clean(value: str) -> str | None:
        value = value.strip().lower()
        return value or None

    return pa.table(
        {
            "record_id": [r["record_id"] for r in rows],
            **{c: [clean(r[c]) for r in rows] for c in COLUMNS[1:]},
        }
    )


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("first_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("last_name", [0.92, 0.8]),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("citizenship"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth"),
            block_on("first_name", "last_name"),
        ],
        retain_matching_columns=False,
    )


def link(table: pa.Table, threshold: float = 0.99) -> dict[str, str]:
    con = duckdb.connect(":memory:", config={"threads": 2})
    linker = Linker(DuckDBAPI(con).register(table), settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e7, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "last_name")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold
    ).as_pyarrow_table()
    return dict(
        zip(
            clusters.column("record_id").to_pylist(),
            (str(c) for c in clusters.column("cluster_id").to_pylist()),
            strict=True,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=0.99)
    args = parser.parse_args()
    started = time.perf_counter()
    table = load(args.input)
    clusters = link(table, args.threshold)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["record_id", "cluster_id"])
        for record_id in table.column("record_id").to_pylist():
            writer.writerow([record_id, clusters.get(record_id, record_id)])
    print(f"reference: {table.num_rows} records in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
