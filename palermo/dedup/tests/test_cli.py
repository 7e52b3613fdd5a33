"""The command line contract of docs/dedup.md, exercised as operators run it: a subprocess."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from palermo.dedup.tests.test_engine_pipeline import COLUMNS, KNOWN_TRUTH, same_partition, truth

pytestmark = pytest.mark.nodb

ROOT = Path(__file__).resolve().parents[3]


def write_input(path: Path, rows: list[list[str]], header: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def known_rows() -> list[list[str]]:
    return [[r[0], *r[2:]] for r in KNOWN_TRUTH]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "palermo.dedup", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def read_clusters(path: Path) -> tuple[list[str], dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, {row[0]: row[1] for row in reader}


def test_link_clusters_a_known_registry(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.csv", known_rows())
    out = tmp_path / "out.csv"
    done = run("link", source, "--out", out)
    assert done.returncode == 0, done.stderr
    header, clusters = read_clusters(out)
    assert header == ["record_id", "cluster_id"]
    assert list(clusters) == [r[0] for r in KNOWN_TRUTH]  # every row, input order
    assert same_partition(clusters, truth())
    assert "Traceback" not in done.stderr


def test_extra_columns_and_a_bom_are_accepted(tmp_path: Path) -> None:
    rows = [[*row, "ignored"] for row in known_rows()]
    source = write_input(tmp_path / "in.csv", rows, (*COLUMNS, "notes"))
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    out = tmp_path / "out.csv"
    done = run("link", source, "--out", out, "--threshold", "0.9")
    assert done.returncode == 0, done.stderr
    _, clusters = read_clusters(out)
    assert same_partition(clusters, truth())


def test_a_missing_column_stops_the_run_naming_it(tmp_path: Path) -> None:
    header = tuple(c for c in COLUMNS if c != "citizenship")
    rows = [[v for c, v in zip(COLUMNS, row, strict=True) if c != "citizenship"]
            for row in known_rows()]  # fmt: skip
    done = run("link", write_input(tmp_path / "in.csv", rows, header), "--out", tmp_path / "o")
    assert done.returncode == 3
    assert "line 1 (header): missing column(s) citizenship" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_a_file_that_is_not_utf8_stops_the_run_naming_line_and_column(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.csv", known_rows())
    lines = source.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"Gjorgje", "Gjörgje".encode("latin-1"))  # line 4 of the file
    source.write_bytes(b"\n".join(lines))
    done = run("link", source, "--out", tmp_path / "o")
    assert done.returncode == 3
    assert "line 4, column first_name" in done.stderr
    assert "not valid UTF-8" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_duplicate_record_id_stops_the_run_naming_both_lines(tmp_path: Path) -> None:
    rows = known_rows()
    rows[6][0] = "r02"
    done = run("link", write_input(tmp_path / "in.csv", rows), "--out", tmp_path / "o")
    assert done.returncode == 3
    assert "line 8, column record_id: duplicate record_id 'r02' (first on line 3)" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_date_is_a_warning_and_the_value_counts_as_missing(tmp_path: Path) -> None:
    rows = known_rows()
    rows[0][5] = "1994-13-12"  # line 2
    rows[4][6] = "19x1"  # line 6, birth_year
    out = tmp_path / "out.csv"
    done = run("link", write_input(tmp_path / "in.csv", rows), "--out", out)
    assert done.returncode == 0, done.stderr
    assert "warning: line 2, column date_of_birth:" in done.stderr
    assert "warning: line 6, column birth_year:" in done.stderr
    _, clusters = read_clusters(out)
    assert len(clusters) == len(rows)


def test_an_unknown_country_code_is_a_warning_and_kosovo_is_known(tmp_path: Path) -> None:
    rows = known_rows()
    rows[8][7] = "YU"  # line 10: Yugoslavia is no longer a code
    out = tmp_path / "out.csv"
    done = run("link", write_input(tmp_path / "in.csv", rows), "--out", out)
    assert done.returncode == 0, done.stderr
    assert "warning: line 10, column citizenship:" in done.stderr
    assert "'YU'" in done.stderr
    assert "'XK'" not in done.stderr  # rows 5-7 use XK


def test_a_row_with_too_few_fields_stops_the_run(tmp_path: Path) -> None:
    rows = known_rows()
    rows[2] = rows[2][:4]
    done = run("link", write_input(tmp_path / "in.csv", rows), "--out", tmp_path / "o")
    assert done.returncode == 3
    assert "line 4: 4 fields where the header has 9" in done.stderr


def test_a_threshold_outside_zero_one_is_a_usage_error(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.csv", known_rows())
    done = run("link", source, "--out", tmp_path / "o", "--threshold", "1.5")
    assert done.returncode == 2
    assert "not a probability" in done.stderr


def test_pairs_output_lists_levels_per_field(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.csv", known_rows())
    pairs = tmp_path / "pairs.csv"
    done = run("link", source, "--out", tmp_path / "o.csv", "--pairs", pairs)
    assert done.returncode == 0, done.stderr
    with pairs.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows
    assert {
        "record_id_l",
        "record_id_r",
        "match_probability",
        "first_name",
        "date_of_birth",
    } <= set(rows[0])
