"""Reading the CLI's input CSV with errors a user can act on.

Every problem names the line as a user counts it in the file (the header is
line 1) and, where it can, the column. Problems that make the run
meaningless (a missing column, bytes that are not UTF-8, a duplicate or
empty record_id, a row with the wrong number of fields) raise ``InputError``;
a value that cannot be read is a warning and the value counts as missing
(see ``palermo.dedup.engine.records``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from palermo.dedup.engine.records import REQUIRED_COLUMNS


class InputError(Exception):
    """The input file cannot be linked; the message says where and why."""


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        header_end = data.find(b"\n")
        header = data[: header_end if header_end >= 0 else len(data)]
        where = f"line {line}"
        try:
            names = next(csv.reader([header.decode("utf-8-sig", errors="replace").strip()]))
            prefix = data[line_start:start].decode("utf-8", errors="replace")
            field_index = len(next(csv.reader([prefix]))) - 1 if prefix else 0
            if 0 <= field_index < len(names):
                where += f", column {names[field_index]}"
        except (csv.Error, StopIteration):
            pass
        raise InputError(
            f"{path}: {where}: byte 0x{data[start]:02x} is not valid UTF-8; "
            "save the file as UTF-8 (with or without BOM) and run again"
        ) from None


def read_registrations(path: Path) -> list[dict[str, str]]:
    """Rows of ``path`` as dicts of the required columns, checked as the module says."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    text = _decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: the file is empty; line 1 must be the header") from None
    except csv.Error as exc:
        raise InputError(f"{path}: line 1: the header is not valid CSV: {exc}") from None
    header = [name.strip() for name in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{path}: line 1 (header): missing column(s) {', '.join(missing)}; "
            f"required: {', '.join(REQUIRED_COLUMNS)}"
        )
    duplicated = sorted({c for c in header if header.count(c) > 1 and c in REQUIRED_COLUMNS})
    if duplicated:
        raise InputError(
            f"{path}: line 1 (header): column(s) {', '.join(duplicated)} appear more than once"
        )
    positions = {c: header.index(c) for c in REQUIRED_COLUMNS}
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        for fields in reader:
            start_line = line + 1
            line = reader.line_num
            if not fields or fields == [""]:
                continue  # a blank line
            if len(fields) != len(header):
                raise InputError(
                    f"{path}: line {start_line}: {len(fields)} fields where the header has "
                    f"{len(header)}"
                )
            row = {c: fields[i] for c, i in positions.items()}
            record_id = row["record_id"].strip()
            if not record_id:
                raise InputError(f"{path}: line {start_line}, column record_id: empty record_id")
            if record_id in seen:
                raise InputError(
                    f"{path}: line {start_line}, column record_id: duplicate record_id "
                    f"{record_id!r} (first on line {seen[record_id]})"
                )
            seen[record_id] = start_line
            row["record_id"] = record_id
            row["_line"] = str(start_line)
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num}: not valid CSV: {exc}") from None
    return rows
