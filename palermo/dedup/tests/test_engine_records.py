"""Preparation details: swapped names put back, levels for unknown sex, frequencies, blocking."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from palermo.dedup.engine import Model, ModelError, link_records, prepare_record, term_frequencies
from palermo.dedup.engine.blocking import RULES, pair_counts
from palermo.dedup.engine.levels import FIRST_NAME, LAST_NAME, level_index
from palermo.dedup.engine.pipeline import features_table
from palermo.dedup.engine.records import (
    Features,
    looks_swapped,
    name_roles,
    orient,
    prepare_typed,
)
from palermo.dedup.engine.scorer import Scorer
from palermo.dedup.tests.test_engine_pipeline import TODAY

pytestmark = pytest.mark.nodb


def record(record_id: str, first: str, last: str, sex: str = "", **other: str) -> Features:
    return prepare_record(
        {"record_id": record_id, "first_name": first, "last_name": last, "sex": sex, **other},
        today=TODAY,
    )


# Each name written five times in its own field: a name seen once in the other field is then
# six times likelier in its own (add-one smoothed), and a swap of two such names clears
# SWAP_MIN_ODDS (6 x 3 = 18 > 8) while one name alone does not decide.
GIVEN = ("Drita", "Blerta", "Arta", "Vjosa", "Teuta")
SURNAMES = ("Shala", "Krasniqi", "Gashi", "Berisha", "Hoxha")


def registry_with_one_swap() -> list[Features]:
    straight = [
        record(f"s{i}", given, surname, "F")
        for i, (given, surname) in enumerate([(g, s) for g in GIVEN for s in SURNAMES])
    ]
    return [*straight, record("x", "Krasniqi", "Drita", "F"), record("y", "Zgjim", "Orllati")]


def test_a_registration_with_swapped_names_is_put_back() -> None:
    records = registry_with_one_swap()
    oriented, swapped = orient(records)
    assert swapped == 1
    fixed = next(r for r in oriented if r.record_id == "x")
    assert (fixed.gn, fixed.sn, fixed.sn1) == ("drita", "krasnici", "krasnici")
    assert fixed.gnc == "drita|"
    assert fixed == record("x", "Drita", "Krasniqi", "F")
    # A name the registry has seen in neither role is left as written.
    assert next(r for r in oriented if r.record_id == "y") == record("y", "Zgjim", "Orllati")


def test_swap_detection_needs_both_names_to_agree() -> None:
    records = registry_with_one_swap()
    roles = name_roles(records)
    # "Drita Drita": same word in both fields; "Krasniqi Zgjim": Zgjim unknown as a
    # surname but not seen as a given name either, so Krasniqi alone decides nothing.
    assert not looks_swapped(record("a", "Drita", "Drita"), roles)
    assert not looks_swapped(record("b", "Drita", "Shala"), roles)
    assert looks_swapped(record("c", "Shala", "Blerta"), roles)


def test_swapped_names_are_linked_with_the_names_frequencies() -> None:
    rows = [
        {"record_id": "a", "first_name": "Drita", "last_name": "Krasniqi", "sex": "F",
         "date_of_birth": "2001-09-30", "citizenship": "XK"},
        {"record_id": "b", "first_name": "KRASNIQI", "last_name": "DRITA", "sex": "F",
         "date_of_birth": "2001-09-30", "citizenship": "XK"},
    ] + [
        {"record_id": f"o{i}", "first_name": g, "last_name": s, "sex": "F",
         "date_of_birth": f"19{70 + i % 25}-0{1 + i % 9}-1{i % 10}", "citizenship": "XK"}
        for i, (g, s) in enumerate(
            (g, s) for g in GIVEN for s in SURNAMES
        )
    ]  # fmt: skip
    result = link_records(rows, today=TODAY, pair_threshold=0.0)
    clusters = dict(zip(result.record_ids, result.cluster_ids, strict=True))
    assert clusters["a"] == clusters["b"]
    pair = next(
        p for p in result.pairs.to_pylist() if {p["record_id_l"], p["record_id_r"]} == {"a", "b"}
    )
    assert (pair["first_name"], pair["last_name"]) == ("exact", "exact")


def test_a_different_surname_counts_less_unless_a_side_is_a_man() -> None:
    label = lambda a, b: LAST_NAME.levels[level_index(LAST_NAME, a, b)].label  # noqa: E731
    drita = record("a", "Drita", "Krasniqi", "F")
    assert label(drita, record("b", "Drita", "Hoxha", "F")) == "different_not_male"
    assert label(drita, record("c", "Drita", "Hoxha", "")) == "different_not_male"
    assert label(record("d", "Drita", "Krasniqi", ""), record("e", "Drita", "Hoxha", "")) == (
        "different_not_male"
    )
    assert label(drita, record("f", "Drita", "Hoxha", "M")) == "different"


def test_a_swap_with_a_two_letter_slip_in_one_name_is_still_a_swap() -> None:
    label = lambda a, b: FIRST_NAME.levels[level_index(FIRST_NAME, a, b)].label  # noqa: E731
    a = record("a", "Blerta", "Krasniqi")
    assert label(a, record("b", "Kransiqi", "Blerta")) == "swapped_similar"
    assert label(a, record("c", "Kransiqi", "Bletra")) == "different"  # slips in both


def test_frequencies_of_a_tiny_file_do_not_make_every_name_common() -> None:
    records = [record(str(i), "Saša", "Petrović", "M", citizenship="RS") for i in range(3)]
    frequencies = term_frequencies(records)
    assert frequencies["sn"]["petrovic"] == pytest.approx(3 / 13)
    assert frequencies["gnc"]["sasa|RS"] == pytest.approx(3 / 13)
    big = [record(str(i), "Saša", f"S{i}", "M", place_of_birth="Niš", citizenship="RS")
           for i in range(2000)]  # fmt: skip
    assert term_frequencies(big)["pobc"]["nis|RS"] == pytest.approx(2000 / 2010)


def test_a_common_place_counts_less_than_a_rare_one() -> None:
    records = [
        record(str(i), "Ion", f"Name{i}", "M", citizenship="MD",
               place_of_birth="Chișinău" if i % 10 else "Comrat")
        for i in range(400)
    ]  # fmt: skip
    scorer = Scorer(Model.load(), prior=1e-4, term_frequencies=term_frequencies(records))
    common = scorer.field_weights(records[1], records[2])["place_of_birth"]
    rare = scorer.field_weights(records[0], records[10])["place_of_birth"]
    assert rare > common + 2


def test_a_model_with_other_term_frequency_columns_is_refused() -> None:
    data = copy.deepcopy(Model.load().to_dict())
    place = data["splink_settings"]["comparisons"][-1]["comparison_levels"][1]
    del place["tf_adjustment_column"]
    with pytest.raises(ModelError, match="place_of_birth"):
        Model.from_dict(data)


def test_a_swapped_date_with_a_surname_slip_is_still_blocked() -> None:
    records = [
        record("a", "Jasmin", "Jusezović", "M", date_of_birth="2006-02-12"),
        record("b", "Jasmin", "Juwezovic", "M", date_of_birth="2006-12-02"),
        record("c", "Ana", "Petrova", "F", date_of_birth="1990-05-05", place_of_birth="Varna"),
        record("d", "Ivana", "Koleva", "F", date_of_birth="1990-05-05", place_of_birth="Varna"),
    ]
    counts = pair_counts(features_table(records), RULES)
    # The two mirrored rules catch the same pair (a swap read from either side).
    assert counts["swapped_dob+given"] == counts["dob+swapped_given"] == 1
    assert counts["dob+place"] == 1


def test_features_table_has_the_place_and_citizenship_column() -> None:
    table = features_table([record("a", "Ion", "Rusu", place_of_birth="Bălți", citizenship="MD")])
    assert isinstance(table, pa.Table)
    assert table.column("pobc").to_pylist() == ["balti|MD"]


# --- typed values: the same features as their text ------------------------------------

_names = st.text(alphabet="AaBbËëÇçŠšĐđЖжЉљ -'.", max_size=12)


@given(
    first=_names,
    last=_names,
    sex=st.sampled_from(["", "F", "M", "f", " m", "X"]),
    born=st.one_of(st.none(), st.dates(date(1850, 1, 1), date(2030, 12, 31))),
    year=st.one_of(st.none(), st.integers(min_value=-5, max_value=12000)),
    citizenship=st.sampled_from(["", "XK", "al", "RS ", "ZZ", "QQ", "mk"]),
    place=st.sampled_from(["", "Prizren", " Pejë ", "Ниш"]),
)
@example("Arta", "Gashi", "F", TODAY, TODAY.year + 1, "XK", "")  # the bounds: today,
@example("Arta", "Gashi", "F", TODAY + timedelta(days=1), TODAY.year, "XK", "")  # a day after,
@example("Arta", "Gashi", "F", date(1880, 1, 1), 1879, "XK", "")  # the first year, one before
@example("Arta", "Gashi", "F", date(1879, 12, 31), 1880, "XK", "")
@settings(max_examples=300, deadline=None)
def test_typed_values_give_the_features_of_their_text(
    first, last, sex, born, year, citizenship, place
) -> None:
    """``prepare_typed`` (a registration read from the database) and ``prepare_record`` (the
    same values as a file's text) agree on every feature, refused values included."""
    typed = prepare_typed(
        "r1",
        source="7",
        first_name=first,
        last_name=last,
        sex=sex,
        date_of_birth=born,
        birth_year=year,
        citizenship=citizenship,
        place_of_birth=place,
        today=TODAY,
    )
    text = prepare_record(
        {
            "record_id": "r1",
            "source_institution": "7",
            "first_name": first,
            "last_name": last,
            "sex": sex,
            "date_of_birth": born.isoformat() if born else "",
            "birth_year": "" if year is None else str(year),
            "citizenship": citizenship,
            "place_of_birth": place,
        },
        today=TODAY,
    )
    assert typed == text


def test_a_full_date_of_birth_wins_over_the_year_field() -> None:
    """The year field counts only without a full date (a file may hold both, disagreeing)."""
    both = record("r1", "Arta", "Gashi", date_of_birth="1995-03-04", birth_year="1997")
    year_only = record("r2", "Arta", "Gashi", birth_year="1997")
    assert (both.yob, both.dob, both.dob_sw) == (1995, "1995-03-04", "1995-04-03")
    assert (year_only.yob, year_only.dob, year_only.dob_sw) == (1997, None, None)
