"""Batch linkage end to end on a small registry with known truth."""

from __future__ import annotations

import datetime as dt
import itertools

import pyarrow as pa
import pytest

from palermo.dedup.engine import link_records
from palermo.dedup.engine.pipeline import DuplicateRecordIdError

pytestmark = pytest.mark.nodb

TODAY = dt.date(2026, 11, 25)
COLUMNS = (
    "record_id", "source_institution", "first_name", "last_name", "sex", "date_of_birth",
    "birth_year", "citizenship", "place_of_birth",
)  # fmt: skip

# (record_id, person, institution, first, last, sex, dob, birth_year, citizenship, place)
KNOWN_TRUTH: tuple[tuple[str, ...], ...] = (
    # Đorđe Petrović: Latin, Cyrillic, Albanian spelling, swapped names.
    ("r01", "p1", "rs_police", "Đorđe", "Petrović", "M", "1994-05-12", "", "RS", "Niš"),
    ("r02", "p1", "rs_centre", "Ђорђе", "Петровић", "M", "1994-05-12", "", "RS", "Ниш"),
    ("r03", "p1", "xk_police", "Gjorgje", "Petroviq", "M", "1994-12-05", "", "", "Nish"),
    ("r04", "p1", "border", "PETROVIC", "DJORDJE", "", "1994-05-12", "", "RS", ""),
    # Drita Krasniqi: diacritics, Serbian Cyrillic, year only, married compound surname.
    ("r05", "p2", "xk_police", "Drita", "Krasniqi", "F", "2001-09-30", "", "XK", "Prizren"),
    ("r06", "p2", "mk_social", "Дрита", "Краснићи", "F", "", "2001", "XK", "Призрен"),
    ("r07", "p2", "iom", "Drita", "Krasniqi-Hoxha", "F", "2001-09-30", "", "XK", ""),
    # Oleksandr Kharchenko: Ukrainian Cyrillic, passport Latin, Russian form, nickname.
    ("r08", "p3", "ngo", "Олександр", "Харченко", "M", "1988-02-03", "", "UA", "Харків"),
    ("r09", "p3", "xk_police", "Oleksandr", "Kharchenko", "M", "1988-02-03", "", "UA", "Kharkiv"),
    ("r10", "p3", "border", "Sasha", "Harchenko", "M", "1988-02-03", "", "UA", ""),
    # Aysel Məmmədova: Azerbaijani, passport and Russian-style spellings.
    ("r11", "p4", "iom", "Aysel", "Məmmədova", "F", "1999-07-11", "", "AZ", "Bakı"),
    ("r12", "p4", "rs_police", "Aysel", "Mamedova", "F", "1999-07-11", "", "AZ", "Baku"),
    ("r13", "p4", "mk_social", "AYSEL", "MAMMADOVA", "F", "1999-11-07", "", "", "Baki"),
    # Two different men named Marko Jovanović (different dates, places): never one cluster.
    ("r14", "p5", "rs_police", "Marko", "Jovanović", "M", "1979-01-15", "", "RS", "Beograd"),
    ("r15", "p5", "rs_centre", "Марко", "Јовановић", "M", "1979-01-15", "", "RS", "Београд"),
    ("r16", "p6", "xk_police", "Marko", "Jovanovic", "M", "2003-10-02", "", "RS", "Kraljevo"),
    ("r17", "p6", "border", "Marko", "Jovanović", "M", "2003-10-02", "", "RS", ""),
    # Twins: same surname, date and place, different given names and sex.
    ("r18", "p7", "ngo", "Chioma", "Okafor", "F", "2005-04-03", "", "NG", "Lagos"),
    ("r19", "p8", "ngo", "Emeka", "Okafor", "M", "2005-04-03", "", "NG", "Lagos"),
    ("r20", "p7", "iom", "Chioma", "Okafor", "F", "2005-04-03", "", "NG", ""),
    # One-off registrations.
    ("r21", "p9", "iom", "Ion", "Rusu", "M", "1985-11-11", "", "MD", "Chișinău"),
    ("r22", "p10", "iom", "Fatima", "Begić", "F", "1992-06-06", "", "BA", "Tuzla"),
)


def rows(data: tuple[tuple[str, ...], ...] = KNOWN_TRUTH) -> list[dict[str, str]]:
    out = []
    for record in data:
        values = (record[0], *record[2:])
        out.append(dict(zip(COLUMNS, values, strict=True)))
    return out


def truth(data: tuple[tuple[str, ...], ...] = KNOWN_TRUTH) -> dict[str, str]:
    return {record[0]: record[1] for record in data}


def same_partition(clusters: dict[str, str], persons: dict[str, str]) -> bool:
    return all(
        (clusters[a] == clusters[b]) == (persons[a] == persons[b])
        for a, b in itertools.combinations(persons, 2)
    )


def test_known_registry_is_clustered_into_its_persons() -> None:
    result = link_records(rows(), today=TODAY)
    clusters = dict(zip(result.record_ids, result.cluster_ids, strict=True))
    assert same_partition(clusters, truth()), result.clusters()


def test_cluster_ids_are_record_ids_of_the_cluster() -> None:
    result = link_records(rows(), today=TODAY)
    for cluster_id, members in result.clusters().items():
        assert cluster_id in members


def test_scored_pairs_carry_probability_weight_and_field_levels() -> None:
    result = link_records(rows(), today=TODAY, pair_threshold=0.5)
    pairs = {
        frozenset((row["record_id_l"], row["record_id_r"])): row for row in result.pairs.to_pylist()
    }
    swapped = pairs[frozenset(("r01", "r04"))]
    assert swapped["first_name"] == "swapped"
    assert swapped["date_of_birth"] == "exact"
    assert swapped["match_probability"] >= 0.5
    day_month = pairs[frozenset(("r11", "r13"))]
    assert day_month["date_of_birth"] == "day_month_swapped"
    assert all(row["match_probability"] >= 0.5 for row in result.pairs.to_pylist())


def test_an_arrow_table_is_accepted_like_rows() -> None:
    table = pa.Table.from_pylist(rows())
    from_table = link_records(table, today=TODAY)
    from_rows = link_records(rows(), today=TODAY)
    assert from_table.cluster_ids == from_rows.cluster_ids


def test_a_weak_link_does_not_chain_two_people() -> None:
    # r31 (no sex, no date) links to each Saša, but they contradict each other:
    # different full dates of birth and different sex. Even with every pair
    # over the threshold, they must not end in one cluster.
    data = (
        ("r30", "a", "x", "Saša", "Petrović", "M", "1990-02-11", "", "RS", "Beograd"),
        ("r31", "?", "x", "Saša", "Petrović", "", "", "", "RS", "Beograd"),
        ("r32", "b", "x", "Saša", "Petrović", "F", "1971-08-25", "", "RS", "Beograd"),
    )
    result = link_records(rows(data), today=TODAY, threshold=0.01)
    clusters = dict(zip(result.record_ids, result.cluster_ids, strict=True))
    assert clusters["r30"] != clusters["r32"]
    assert clusters["r31"] in (clusters["r30"], clusters["r32"])


def test_unreadable_values_become_warnings_with_their_line() -> None:
    data = list(rows())
    data[2] = {**data[2], "date_of_birth": "12.05.1994", "citizenship": "YU"}
    result = link_records(data, today=TODAY)
    found = {(issue.line, issue.column) for issue in result.issues}
    assert found == {(4, "date_of_birth"), (4, "citizenship")}


def test_duplicate_record_id_stops_the_run() -> None:
    data = rows()
    data[5] = {**data[5], "record_id": "r01"}
    with pytest.raises(
        DuplicateRecordIdError, match=r"line 7: record_id 'r01' already used on line 2"
    ):
        link_records(data, today=TODAY)


def test_a_single_record_is_its_own_cluster() -> None:
    result = link_records(rows()[:1], today=TODAY)
    assert result.cluster_ids == ["r01"]
