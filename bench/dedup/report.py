"""Print the benchmark results and the generated data's statistics as Markdown.

    python -m bench.dedup.report            # reads bench/dedup/.cache/results.json

The tables in docs/benchmarks.md are this script's output, pasted.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from bench.dedup.run import CACHE


def results_table(results: dict[str, object]) -> str:
    lines = [
        "| data | records | set-up | precision | recall | F1 | wall time | peak RSS |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    runs = results["runs"]
    assert isinstance(runs, list)
    for run in runs:
        if run["setup"] == "engine-train":
            lines.append(
                f"| {run['dataset']} | | training the own model | | | | "
                f"{run['seconds']:.0f} s | {run['peak_rss_mb'] / 1024:.1f} GB |"
            )
            continue
        lines.append(
            f"| {run['dataset']} | {run['records']:,} | {run['setup']} | {run['precision']:.3f} | "
            f"{run['recall']:.3f} | **{run['f1']:.3f}** | {run['seconds']:.0f} s | "
            f"{run['peak_rss_mb'] / 1024:.1f} GB |"
        )
    return "\n".join(lines)


def data_statistics(path: Path) -> str:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    n = len(rows)
    per_person = Counter(Counter(r["person_id"] for r in rows).values())
    persons = sum(per_person.values())
    no_full = sum(1 for r in rows if not r["date_of_birth"])
    year_only = sum(1 for r in rows if not r["date_of_birth"] and r["birth_year"])
    cyrillic = sum(1 for r in rows if any("\u0400" <= c <= "\u04ff" for c in r["last_name"]))
    surnames = Counter(r["last_name"].lower() for r in rows)
    names = Counter((r["first_name"].lower(), r["last_name"].lower()) for r in rows)
    top = surnames.most_common(1)[0]
    shared = sum(1 for (_, count) in names.items() if count > 1)
    institutions = len({r["source_institution"] for r in rows})
    lines = [
        f"- {n:,} registrations of {persons:,} persons; registrations per person: "
        + ", ".join(f"{k}: {v / persons:.0%}" for k, v in sorted(per_person.items())),
        f"- without a full date of birth: {no_full / n:.1%} ({year_only / n:.1%} with a year "
        f"only or an age-derived year, {(no_full - year_only) / n:.1%} with nothing)",
        f"- surname written in Cyrillic: {cyrillic / n:.1%}; {institutions} institutions",
        f"- commonest surname as written: {top[0]!r}, {top[1] / n:.1%} of registrations; "
        f"{shared:,} distinct first+last name spellings are shared by several registrations",
    ]
    return "\n".join(lines)


def main() -> None:
    results = json.loads((CACHE / "results.json").read_text())
    print(results_table(results))
    print()
    machine = results["machine"]
    print(f"Machine: {machine['nproc']} cores, {machine['cpu']}, Python {machine['python']}, "
          f"{machine['date']}")  # fmt: skip
    print(machine["free_g"])
    for path in sorted(CACHE.glob("registrations_*_20261125.csv")):
        print(f"\n{path.name}:")
        print(data_statistics(path))


if __name__ == "__main__":
    main()
