"""The comparisons of the linkage model, each level written twice: SQL and Python.

Splink evaluates the SQL on DuckDB or Spark for the batch run; the incremental
scorer evaluates the Python predicate for one new registration against a few
hundred candidates without a database. Every predicate uses only equality,
integer edit distance (``levenshtein``, built into DuckDB and Spark) and
integer arithmetic, so both give the same level for the same pair; a test
checks this on generated data.

Levels are tried in order and the first that holds wins, as in a SQL ``CASE``.
SQL comparisons with NULL are never true; the Python predicates guard every
None the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from palermo.dedup.engine.records import Features
from palermo.names.similarity import levenshtein

# Predicates take the left and right record of a pair (Splink's _l and _r).
Predicate = Callable[[Features, Features], bool]


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    test: Predicate
    is_null: bool = False
    # Term-frequency adjustment: the level's weight uses the frequency of the
    # value in this column instead of the level's average u.
    tf_column: str | None = None


@dataclass(frozen=True)
class ComparisonSpec:
    name: str  # Splink output_column_name; gamma_<name> in predictions
    description: str
    levels: tuple[Level, ...]


def _lev(a: str | None, b: str | None, k: int) -> bool:
    return a is not None and b is not None and levenshtein(a, b, k) <= k


def _eq(a: object, b: object) -> bool:
    return a is not None and a == b


def _swapped(x: Features, y: Features) -> bool:
    return _eq(x.gn, y.sn) and _eq(x.sn, y.gn)


def _swapped_similar(x: Features, y: Features) -> bool:
    a1 = _lev(x.gn, y.sn, 1) or _eq(x.gk, y.sk) or _eq(x.gn, y.sn2)
    b1 = _lev(x.sn, y.gn, 1) or _eq(x.sk, y.gk) or _eq(x.sn2, y.gn)
    return (a1 and (b1 or _lev(x.sn, y.gn, 2))) or (b1 and _lev(x.gn, y.sn, 2))


_SWAPPED_SQL = "gn_l = sn_r AND sn_l = gn_r"
# A swap with a typo, a nickname, an extra given name ("Okafor" / "Oluwaseun Mary")
# or a compound surname ("Koleva Yordanka" / "Yordanka Popova-Koleva"): each name is
# one edit away from, has the skeleton of, or is a surname part of the other's other name.
# One of the two may be two edits away ("Krasniqi Blerta" / "Blerta Kransiqi").
_SWAP_A1 = "(levenshtein(gn_l, sn_r) <= 1 OR gk_l = sk_r OR gn_l = sn2_r)"
_SWAP_B1 = "(levenshtein(sn_l, gn_r) <= 1 OR sk_l = gk_r OR sn2_l = gn_r)"
_SWAPPED_SIMILAR_SQL = (
    f"(({_SWAP_A1} AND ({_SWAP_B1} OR levenshtein(sn_l, gn_r) <= 2))"
    f" OR ({_SWAP_B1} AND levenshtein(gn_l, sn_r) <= 2))"
)


def _surname_null(x: Features, y: Features) -> bool:
    if x.sn is None or y.sn is None:
        return True
    return x.sn != y.sn and _swapped_similar(x, y)


def _token_overlap(x: Features, y: Features) -> bool:
    return any(_eq(a, b) for a in (x.sn1, x.sn2) for b in (y.sn1, y.sn2))


def _else(x: Features, y: Features) -> bool:
    return True


def _year_within(k: int) -> Predicate:
    def test(x: Features, y: Features) -> bool:
        return x.yob is not None and y.yob is not None and abs(x.yob - y.yob) <= k

    return test


FIRST_NAME = ComparisonSpec(
    "first_name",
    "Given name, folded; nickname groups; swapped with the surname",
    (
        Level("null", "gn_l IS NULL OR gn_r IS NULL", lambda x, y: x.gn is None or y.gn is None,
              is_null=True),
        Level("exact", "gn_l = gn_r", lambda x, y: _eq(x.gn, y.gn), tf_column="gnc"),
        Level("nickname", "gc_l = gc_r", lambda x, y: _eq(x.gc, y.gc)),
        Level("swapped", _SWAPPED_SQL, _swapped),
        Level("swapped_similar", _SWAPPED_SIMILAR_SQL, _swapped_similar),
        Level("typo", "levenshtein(gn_l, gn_r) <= 1", lambda x, y: _lev(x.gn, y.gn, 1)),
        Level("similar", "levenshtein(gn_l, gn_r) <= 2 OR gk_l = gk_r",
              lambda x, y: _lev(x.gn, y.gn, 2) or _eq(x.gk, y.gk)),
        Level("different", "ELSE", _else),
    ),
)  # fmt: skip

LAST_NAME = ComparisonSpec(
    "last_name",
    "Surname, folded; compound/married parts (neutral when swapped with the given name)",
    (
        # A swapped pair's names are scored once, by the first_name comparison.
        Level("null_or_swapped", f"sn_l IS NULL OR sn_r IS NULL OR (sn_l <> sn_r AND {_SWAPPED_SIMILAR_SQL})",
              _surname_null, is_null=True),
        Level("exact", "sn_l = sn_r", lambda x, y: _eq(x.sn, y.sn), tf_column="sn"),
        Level("typo", "levenshtein(sn_l, sn_r) <= 1", lambda x, y: _lev(x.sn, y.sn, 1)),
        Level("part", "sn1_l = sn1_r OR sn1_l = sn2_r OR sn2_l = sn1_r OR sn2_l = sn2_r",
              _token_overlap),
        Level("similar", "levenshtein(sn_l, sn_r) <= 2 OR sk_l = sk_r",
              lambda x, y: _lev(x.sn, y.sn, 2) or _eq(x.sk, y.sk)),
        # Women change surname on marriage: a different surname says less about
        # them, and about anyone not registered as a man (sex missing on a side).
        Level("different_not_male", "coalesce(sex_l, 'F') = 'F' AND coalesce(sex_r, 'F') = 'F'",
              lambda x, y: x.sex != "M" and y.sex != "M"),
        Level("different", "ELSE", _else),
    ),
)  # fmt: skip

DATE_OF_BIRTH = ComparisonSpec(
    "date_of_birth",
    "Full date, day/month swap, one-digit typo, else birth year closeness",
    (
        Level("null", "yob_l IS NULL OR yob_r IS NULL", lambda x, y: x.yob is None or y.yob is None,
              is_null=True),
        Level("exact", "dob_l = dob_r", lambda x, y: _eq(x.dob, y.dob)),
        Level("day_month_swapped", "dob_sw_l = dob_r", lambda x, y: _eq(x.dob_sw, y.dob)),
        Level("one_digit", "levenshtein(dob_l, dob_r) = 1",
              lambda x, y: x.dob is not None and y.dob is not None
              and levenshtein(x.dob, y.dob, 1) == 1),
        Level("full_dates_differ", "dob_l IS NOT NULL AND dob_r IS NOT NULL",
              lambda x, y: x.dob is not None and y.dob is not None),
        Level("same_year", "yob_l = yob_r", lambda x, y: _eq(x.yob, y.yob)),
        Level("year_1", "abs(yob_l - yob_r) <= 1", _year_within(1)),
        Level("year_3", "abs(yob_l - yob_r) <= 3", _year_within(3)),
        Level("different", "ELSE", _else),
    ),
)  # fmt: skip


def _same_or_not(name: str, description: str, column: str) -> ComparisonSpec:
    """A code compared as equal or not (null when either side is missing)."""
    value = attrgetter(column)
    return ComparisonSpec(
        name,
        description,
        (
            Level("null", f"{column}_l IS NULL OR {column}_r IS NULL",
                  lambda x, y: value(x) is None or value(y) is None, is_null=True),
            Level("exact", f"{column}_l = {column}_r", lambda x, y: _eq(value(x), value(y))),
            Level("different", "ELSE", _else),
        ),
    )  # fmt: skip


SEX = _same_or_not("sex", "Sex as registered (M/F)", "sex")
CITIZENSHIP = _same_or_not("citizenship", "Citizenship, ISO 3166-1 alpha-2 (XK for Kosovo*)", "cit")

PLACE_OF_BIRTH = ComparisonSpec(
    "place_of_birth",
    "Place of birth, folded",
    (
        Level("null", "pob_l IS NULL OR pob_r IS NULL",
              lambda x, y: x.pob is None or y.pob is None, is_null=True),
        Level("exact", "pob_l = pob_r", lambda x, y: _eq(x.pob, y.pob), tf_column="pobc"),
        Level("similar", "levenshtein(pob_l, pob_r) <= 2", lambda x, y: _lev(x.pob, y.pob, 2)),
        Level("different", "ELSE", _else),
    ),
)  # fmt: skip

COMPARISONS: tuple[ComparisonSpec, ...] = (
    FIRST_NAME,
    LAST_NAME,
    DATE_OF_BIRTH,
    SEX,
    CITIZENSHIP,
    PLACE_OF_BIRTH,
)


def level_index(spec: ComparisonSpec, left: Features, right: Features) -> int:
    """Position in ``spec.levels`` of the first level that holds (0 is the null level)."""
    for i, level in enumerate(spec.levels):
        if level.test(left, right):
            return i
    raise AssertionError(f"comparison {spec.name} has no ELSE level")


def comparison_vector_value(spec: ComparisonSpec, index: int) -> int:
    """Splink's gamma value for a level: -1 for null, else counting down to 0 for ELSE."""
    if spec.levels[index].is_null:
        return -1
    return len(spec.levels) - 1 - index


def splink_comparisons() -> list[dict[str, object]]:
    """The comparisons as Splink settings dictionaries (without m/u)."""
    out: list[dict[str, object]] = []
    for spec in COMPARISONS:
        levels: list[dict[str, object]] = []
        for level in spec.levels:
            entry: dict[str, object] = {"sql_condition": level.sql, "label_for_charts": level.label}
            if level.is_null:
                entry["is_null_level"] = True
            if level.tf_column:
                entry["tf_adjustment_column"] = level.tf_column
                entry["tf_adjustment_weight"] = 1.0
                # Adjust against this level's own u (the frequency tables are
                # registered by the engine, see scorer.term_frequencies).
                entry["disable_tf_exact_match_detection"] = True
            levels.append(entry)
        out.append(
            {
                "output_column_name": spec.name,
                "comparison_description": spec.description,
                "comparison_levels": levels,
            }
        )
    return out
