"""Splink on DuckDB (default) or Spark: blocking, training and pairwise scoring.

Splink does the heavy, set-oriented work: generating candidate pairs with
the blocking rules, computing comparison vectors in SQL, estimating u by
random sampling and m by expectation maximisation. Everything else (reading
input, clustering) is backend-independent Python on the scored pairs.
"""

from __future__ import annotations

import atexit
import functools
import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

from palermo.dedup.engine.model import Model, untrained_settings
from palermo.dedup.engine.records import FEATURE_COLUMNS, INT_FEATURES

if TYPE_CHECKING:
    from splink import Linker

Backend = Literal["duckdb", "spark"]
logger = logging.getLogger(__name__)

# Pairs scored below this final match weight are dropped by Splink before they
# reach Python: their probability is under 1/1000 whatever the prior.
MIN_PREDICT_WEIGHT = -10.0
DUCKDB_MEMORY_LIMIT = "4GB"


@functools.cache
def _scratch_directory(kind: str) -> str:
    """One temporary directory per process and kind, removed when the process exits."""
    path = tempfile.mkdtemp(prefix=f"palermo-{kind}-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def features_schema() -> pa.Schema:
    return pa.schema(
        [(name, pa.int32() if name in INT_FEATURES else pa.string()) for name in FEATURE_COLUMNS]
    )


def make_db_api(backend: Backend, *, threads: int = 2, spark_session: Any = None) -> Any:
    """A Splink database API: an in-memory DuckDB with ``threads`` threads, or Spark."""
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        # A memory cap makes DuckDB spill large joins to disk instead of growing
        # past what the machine has (1M registrations fit in 8 GB with it).
        con = duckdb.connect(
            ":memory:",
            config={
                "threads": threads,
                "memory_limit": DUCKDB_MEMORY_LIMIT,
                "temp_directory": _scratch_directory("duckdb"),
            },
        )
        return DuckDBAPI(con)
    if backend == "spark":
        from splink import SparkAPI

        if spark_session is None:
            spark_session = local_spark_session(threads)
        if spark_session.sparkContext.getCheckpointDir() is None:
            spark_session.sparkContext.setCheckpointDir(_scratch_directory("spark-checkpoints"))
        return SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark_session,
            num_partitions_on_repartition=threads * 2,
            break_lineage_method="persist",
        )
    raise ValueError(f"unknown backend {backend!r}: use duckdb or spark")


def local_spark_session(threads: int = 2) -> Any:
    """A local-mode Spark session sized for this job (PySpark is an optional extra)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise RuntimeError(
            "the spark backend needs PySpark: install the 'spark' extra (pip install -e '.[spark]')"
        ) from exc
    from splink.backends.spark import similarity_jar_location

    return (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("palermo-dedup")
        .config("spark.sql.shuffle.partitions", str(threads * 4))
        .config("spark.default.parallelism", str(threads * 2))
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )


def register_term_frequencies(
    linker: Linker, db_api: Any, term_frequencies: dict[str, dict[str, float]]
) -> None:
    """Give Splink the engine's frequency tables instead of letting it compute its own.

    The pure-Python scorer uses the same tables, so batch and incremental
    scores agree; and the given-name table is per citizenship, which Splink
    could not compute (see ``scorer.term_frequencies``).
    """
    for column, table in term_frequencies.items():
        arrow = pa.table(
            {
                column: pa.array(list(table.keys()), pa.string()),
                f"tf_{column}": pa.array(list(table.values()), pa.float64()),
            }
        )
        linker.table_management.register_term_frequency_lookup(db_api.register(arrow), column)


@contextmanager
def linker_for(
    table: pa.Table,
    settings: dict[str, Any],
    *,
    term_frequencies: dict[str, dict[str, float]],
    backend: Backend = "duckdb",
    threads: int = 2,
    spark_session: Any = None,
) -> Iterator[Linker]:
    """A Splink linker over ``table`` (prepared features) with ``settings``."""
    from splink import Linker

    db_api = make_db_api(backend, threads=threads, spark_session=spark_session)
    sdf = db_api.register(table)
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    register_term_frequencies(linker, db_api, term_frequencies)
    try:
        yield linker
    finally:
        if backend == "duckdb":
            db_api.duckdb_con.close()


def predict(
    table: pa.Table,
    model: Model,
    *,
    prior: float,
    term_frequencies: dict[str, dict[str, float]],
    blocking_rules: list[str] | None = None,
    backend: Backend = "duckdb",
    threads: int = 2,
    spark_session: Any = None,
) -> pa.Table:
    """Scored candidate pairs: row indexes, match weight (with ``prior``) and gamma levels.

    Records are identified by their row index in ``table`` (columns ``rid_l``,
    ``rid_r``): joining and storing tens of millions of integer pairs is much
    cheaper than of string identifiers.
    """
    settings = dict(model.splink_settings)
    settings["unique_id_column_name"] = "rid"
    table = table.drop_columns(
        [c for c in ("record_id", "source") if c in table.column_names]
    ).append_column("rid", pa.array(range(table.num_rows), pa.int64()))
    settings["probability_two_random_records_match"] = prior
    if blocking_rules is not None:
        settings["blocking_rules_to_generate_predictions"] = [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in blocking_rules
        ]
    # Gamma columns are only kept with the matching columns; weights are summed in SQL.
    settings["retain_matching_columns"] = True
    settings["retain_intermediate_calculation_columns"] = False
    with linker_for(
        table,
        settings,
        term_frequencies=term_frequencies,
        backend=backend,
        threads=threads,
        spark_session=spark_session,
    ) as linker:
        df = linker.inference.predict(
            threshold_match_weight=MIN_PREDICT_WEIGHT, warning_mode="never"
        )
        gamma = [f"gamma_{c['output_column_name']}" for c in settings["comparisons"]]
        cols = ", ".join(["rid_l", "rid_r", "match_weight", *gamma])
        sql = f"select {cols} from {df.physical_name}"  # noqa: S608 - names from Splink
        result = linker.misc.query_sql(sql, "splink_df")  # type: ignore[no-untyped-call]
        return result.as_pyarrow_table()


# Pairs for estimating the date-of-birth levels: same given name and the same
# *rare* surname (``snr``, set by training for surnames held by at most a few
# records). Such pairs are mostly one person, so EM starts from an in-block
# match probability of DATE_EM_PRIOR (and re-estimates it). On blocks with
# namesakes (a shared common surname) EM flipped between "partial dates never
# match" and "any dates match" depending on the data set.
DATE_EM_BLOCK = "l.snr = r.snr AND l.gn = r.gn"
DATE_EM_PRIOR = 0.9

DOB_M_START = {
    "exact": 0.5,
    "day_month_swapped": 0.05,
    "one_digit": 0.05,
    "full_dates_differ": 0.05,
    "same_year": 0.1,
    "year_1": 0.1,
    "year_3": 0.1,
    "different": 0.05,
}


# Pairs for re-estimating the surname levels: same full date of birth and same
# given name, nearly all one person (twins have different given names). On the
# date-of-birth block, EM put on different surnames half the weight they have:
# it counted most women registered under a married surname as other people.
SURNAME_EM_BLOCK = "l.dob = r.dob AND l.gc = r.gc"


def _estimate_surname(
    settings: dict[str, Any], run: Callable[[dict[str, Any], str], dict[str, Any]]
) -> dict[str, Any]:
    """EM on SURNAME_EM_BLOCK for the last_name m values only (the rest fixed)."""
    for comparison in settings["comparisons"]:
        if comparison["output_column_name"] == "last_name":
            continue
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                level["fix_m_probability"] = True
    prior = settings["probability_two_random_records_match"]
    settings["probability_two_random_records_match"] = DATE_EM_PRIOR
    settings = _strip_fix_flags(run(settings, "em_surname"))
    settings["probability_two_random_records_match"] = prior
    return settings


def _strip_fix_flags(settings: dict[str, Any]) -> dict[str, Any]:
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("fix_m_probability", None)
            level.pop("fix_u_probability", None)
    return settings


def train(
    table: pa.Table,
    *,
    conditional_u: dict[str, list[float]],
    term_frequencies: dict[str, dict[str, float]],
    backend: Backend = "duckdb",
    threads: int = 2,
    spark_session: Any = None,
    max_pairs_u: float = 2e7,
    seed: int = 42,
) -> dict[str, Any]:
    """Estimate u by random sampling and m by EM; return the trained Splink settings.

    ``conditional_u`` replaces the random-sampling u of the comparisons it
    names (non-null levels in order): sex, citizenship and place of birth go
    with a population, so among pairs that share a surname they agree far more
    often than among random pairs, and their agreement must count for less
    (see ``training.conditional_u``).

    EM then runs three times, as the stack notes advise for person data: first
    on pairs that share a full date of birth, which estimates every comparison
    but the date; then, with the others fixed, on pairs that also share a given
    name, which re-estimates the surname levels (see SURNAME_EM_BLOCK); then,
    with those m values fixed, on pairs that share a given name and a rare
    surname, which estimates the date-of-birth levels (see DATE_EM_BLOCK). ``table`` must then have the column ``snr``. Letting EM
    estimate the date on pairs blocked by a common full name makes it call most
    same-name pairs matches (a full name nearly fixes sex, citizenship and
    place), and it then believes matches often have different dates of birth.
    """
    from splink import Linker

    def run(settings: dict[str, Any], step: str) -> dict[str, Any]:
        db_api = make_db_api(backend, threads=threads, spark_session=spark_session)
        linker = Linker(db_api.register(table), settings, log_level=logging.WARNING)
        register_term_frequencies(linker, db_api, term_frequencies)
        try:
            if step == "u":
                linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
            elif step == "em_dob":
                linker.training.estimate_parameters_using_expectation_maximisation(
                    "l.dob = r.dob", max_pairs=5e6
                )
            elif step == "em_surname":
                linker.training.estimate_parameters_using_expectation_maximisation(
                    SURNAME_EM_BLOCK, max_pairs=5e6
                )
            else:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    DATE_EM_BLOCK, max_pairs=5e6
                )
            trained: dict[str, Any] = linker.misc.save_model_to_json()
            return trained
        finally:
            if backend == "duckdb":
                db_api.duckdb_con.close()

    settings = run(untrained_settings(probability_two_random_records_match=1e-5), "u")
    for comparison in settings["comparisons"]:
        values = conditional_u.get(comparison["output_column_name"])
        if values is None:
            continue
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for level, u in zip(levels, values, strict=True):
            level["u_probability"] = u
            level["fix_u_probability"] = True
    settings = run(settings, "em_dob")
    settings = _estimate_surname(settings, run)
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if comparison["output_column_name"] == "date_of_birth":
                # EM starts from Splink's default m, which puts almost no mass on
                # the partial-date levels; from there it converges to "matches
                # always have full dates". Start from a flat guess instead.
                level["m_probability"] = DOB_M_START[level["label_for_charts"]]
            else:
                level["fix_m_probability"] = True
    prior = settings["probability_two_random_records_match"]
    settings["probability_two_random_records_match"] = DATE_EM_PRIOR
    settings = run(settings, "em_date")
    settings["probability_two_random_records_match"] = prior
    return _strip_fix_flags(settings)


def refine_prior(pairs: pa.Table, prior: float, n_records: int, *, iterations: int = 30) -> float:
    """Re-estimate the prior from the scored pairs (the EM update with m and u fixed).

    The expected number of matching pairs is the sum of the pairs' match
    probabilities; dividing by the number of possible pairs gives the
    probability that two random records match. A few fixed-point iterations
    converge; the result is kept within a factor 10 of the starting value so a
    poorly calibrated model cannot run away with it.
    """
    import pyarrow.compute as pc

    total_pairs = n_records * (n_records - 1) / 2
    if total_pairs <= 0 or pairs.num_rows == 0:
        return prior
    bayes = pc.subtract(pairs.column("match_weight"), math.log2(prior / (1 - prior)))
    current = prior
    for _ in range(iterations):
        logit = math.log2(current / (1 - current))
        exponent = pc.max_element_wise(pc.negate(pc.add(bayes, logit)), -60.0)
        exponent = pc.min_element_wise(exponent, 60.0)
        probabilities = pc.divide(1.0, pc.add(1.0, pc.power(2.0, exponent)))
        expected = pc.sum(probabilities).as_py() or 0.0
        updated = min(max(expected / total_pairs, prior / 10), min(0.5, prior * 10))
        converged = abs(updated - current) <= 1e-3 * current
        current = updated
        if converged:
            break
    return current
