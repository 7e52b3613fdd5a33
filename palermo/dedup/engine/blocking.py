"""Blocking rules: which pairs of registrations are scored at all.

Every rule is an equi-join on prepared features, so DuckDB and Spark run
it as a hash join. The number of pairs a rule generates grows with the square
of the data size (a surname held by 1 % of 1M people is 50 million pairs on
its own), so rules are taken in priority order while the running total of
pairs stays within a budget: at 10k records every rule is used, at 1M the
broadest ones (names without any date) are dropped. Dropping them loses
little at that size: with a million records, two registrations that share
only a name and a citizenship can no longer be told apart from namesakes
and would not be linked anyway.

Rules with a different column on each side (``l.gk = r.sk``: given name
against surname, for swapped names) come in both directions because Splink
scores each unordered pair once with the lower id on the left.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa


@dataclass(frozen=True)
class Rule:
    name: str
    terms: tuple[tuple[str, str], ...]  # (left expression, right expression) over bare columns

    def sql(self) -> str:
        return " AND ".join(
            f"{_side(left, 'l')} = {_side(right, 'r')}" for left, right in self.terms
        )


def _side(expression: str, alias: str) -> str:
    # Expressions name columns in braces: "floor({yob} / 2)".
    if "{" in expression:
        return expression.format(**{c: f"{alias}.{c}" for c in _COLUMNS})
    return f"{alias}.{expression}"


_COLUMNS = ("yob", "dob")
_Y2A = "floor({yob} / 2)"  # two records whose years differ by at most one share
_Y2B = "floor(({yob} + 1) / 2)"  # the bucket of one of these two bucketings
_MD = "substr({dob}, 6, 5)"  # month and day: a typo in the year keeps them


def _same(name: str, *columns: str) -> Rule:
    return Rule(name, tuple((c, c) for c in columns))


RULES: tuple[Rule, ...] = (
    _same("dob+given", "dob", "gk"),
    _same("dob+surname", "dob", "sk"),
    _same("dob+given_prefix", "dob", "gp"),
    _same("dob+surname_prefix", "dob", "sp"),
    _same("given+day_month", "gc", _MD),
    _same("surname+day_month", "sk", _MD),
    _same("dob+place", "dob", "pob"),
    Rule("dob+given=surname", (("dob", "dob"), ("gk", "sk"))),
    Rule("dob+surname=given", (("dob", "dob"), ("sk", "gk"))),
    Rule("swapped_dob+names", (("dob_sw", "dob"), ("nk", "nk"))),
    Rule("dob+swapped_names", (("dob", "dob_sw"), ("nk", "nk"))),
    Rule("swapped_dob+given", (("dob_sw", "dob"), ("gk", "gk"))),
    Rule("dob+swapped_given", (("dob", "dob_sw"), ("gk", "gk"))),
    _same("names+year", "nk", _Y2A),
    _same("names+year'", "nk", _Y2B),
    _same("surname+given+year", "sk", "gc", _Y2A),
    _same("surname+given+year'", "sk", "gc", _Y2B),
    _same("surname+prefix+year", "sn", "gp", _Y2A),
    _same("surname+prefix+year'", "sn", "gp", _Y2B),
    _same("given+surname_prefix+year", "gc", "sp", _Y2A),
    _same("given+surname_prefix+year'", "gc", "sp", _Y2B),
    _same("names+place", "nk", "pob"),
    _same("surname+place", "sn", "pob"),
    _same("surname+year", "sn", _Y2A),
    _same("surname+year'", "sn", _Y2B),
    _same("given+year+citizenship", "gc", "yob", "cit"),
    _same("names+citizenship+sex", "nk", "cit", "sex"),
    _same("surname+given", "sk", "gc"),
    _same("surname+prefix", "sn", "gp"),
    _same("given+surname_prefix", "gc", "sp"),
)

DEFAULT_PAIR_BUDGET = 60_000_000


def _count_sql(rule: Rule) -> str:
    left = [_side(a, "t") for a, _ in rule.terms]
    right = [_side(b, "t") for _, b in rule.terms]
    lkeys = ", ".join(f"{e} AS k{i}" for i, e in enumerate(left))
    rkeys = ", ".join(f"{e} AS k{i}" for i, e in enumerate(right))
    not_null_l = " AND ".join(f"{e} IS NOT NULL" for e in left)
    not_null_r = " AND ".join(f"{e} IS NOT NULL" for e in right)
    group = ", ".join(f"k{i}" for i in range(len(left)))
    if left == right:
        # Expressions come from RULES, never from input data.
        return (
            f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM "  # noqa: S608
            f"(SELECT {lkeys} FROM t WHERE {not_null_l}) GROUP BY {group})"
        )
    join = " AND ".join(f"a.k{i} = b.k{i}" for i in range(len(left)))
    return (
        f"SELECT coalesce(sum(a.n * b.n) / 2, 0) FROM "  # noqa: S608
        f"(SELECT {group}, count(*) AS n FROM (SELECT {lkeys} FROM t WHERE {not_null_l}) "
        f"GROUP BY {group}) a JOIN "
        f"(SELECT {group}, count(*) AS n FROM (SELECT {rkeys} FROM t WHERE {not_null_r}) "
        f"GROUP BY {group}) b ON {join}"
    )


def pair_counts(table: pa.Table, rules: tuple[Rule, ...] = RULES) -> dict[str, int]:
    """Pairs each rule generates on ``table`` (before removing pairs shared between rules)."""
    con = duckdb.connect(":memory:", config={"threads": 2})
    try:
        con.register("t", table)
        return {rule.name: int(con.sql(_count_sql(rule)).fetchall()[0][0]) for rule in rules}
    finally:
        con.close()


def select_rules(
    table: pa.Table, budget: int = DEFAULT_PAIR_BUDGET, rules: tuple[Rule, ...] = RULES
) -> tuple[list[Rule], dict[str, int]]:
    """Rules in priority order while their summed pair counts stay within ``budget``.

    The first rule is always kept. A rule that would exceed the budget is
    skipped but cheaper rules after it are still considered.
    """
    counts = pair_counts(table, rules)
    chosen: list[Rule] = []
    total = 0
    for rule in rules:
        n = counts[rule.name]
        if not chosen or total + n <= budget:
            chosen.append(rule)
            total += n
    return chosen, counts
