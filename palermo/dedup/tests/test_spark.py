"""The Spark backend gives the clusters DuckDB gives (PySpark is the optional 'spark' extra)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from palermo.dedup.engine import link_records
from palermo.dedup.tests.test_engine_pipeline import TODAY, rows
from palermo.dedup.tests.test_engine_scorer import noisy_registrations

pytestmark = pytest.mark.nodb

pytest.importorskip("pyspark", reason="PySpark is not installed (optional 'spark' extra)")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java is not on PATH)", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from palermo.dedup.engine.backend import local_spark_session

    # py4j logs at INFO while the interpreter shuts down, after pytest closed its streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = local_spark_session(threads=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_and_duckdb_give_the_same_clusters_and_scores(spark: Any) -> None:
    data = rows() + noisy_registrations(150, seed=11)
    on_duckdb = link_records(data, today=TODAY)
    on_spark = link_records(data, today=TODAY, backend="spark", spark_session=spark)
    assert on_spark.cluster_ids == on_duckdb.cluster_ids
    assert on_spark.prior == pytest.approx(on_duckdb.prior, rel=1e-9)

    def scores(result: Any) -> dict[frozenset[str], float]:
        table = result.pairs
        return {
            frozenset((a, b)): w
            for a, b, w in zip(
                table.column("record_id_l").to_pylist(),
                table.column("record_id_r").to_pylist(),
                table.column("match_weight").to_pylist(),
                strict=True,
            )
        }

    duck, spk = scores(on_duckdb), scores(on_spark)
    assert duck.keys() == spk.keys()
    assert len(duck) > 50
    assert all(spk[k] == pytest.approx(w, abs=1e-9) for k, w in duck.items())
