"""Batch linkage: registrations in, scored pairs and clusters out.

``link_records`` is what the CLI and the registry's nightly job call. It
prepares features in Python, lets Splink (DuckDB or Spark) block and score
candidate pairs, re-estimates the prior for this data set, and clusters with
the constrained clustering of ``clustering.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa

from palermo.dedup.engine import backend as splink_backend
from palermo.dedup.engine.backend import Backend
from palermo.dedup.engine.blocking import DEFAULT_PAIR_BUDGET, select_rules
from palermo.dedup.engine.clustering import ClusterStats, constrained_clusters
from palermo.dedup.engine.levels import COMPARISONS
from palermo.dedup.engine.model import Model
from palermo.dedup.engine.records import (
    Features,
    RowIssue,
    features_to_columns,
    orient,
    prepare_record,
)
from palermo.dedup.engine.scorer import Scorer, logit2, term_frequencies

logger = logging.getLogger(__name__)

type Rows = Iterable[Mapping[str, object]] | pa.Table


class DuplicateRecordIdError(ValueError):
    pass


@dataclass
class LinkResult:
    """Clusters (parallel to the input rows) and the scored pairs above ``pair_threshold``.

    ``pairs`` columns: record_id_l, record_id_r, match_probability,
    match_weight, then one column per comparison holding the level label
    (e.g. ``date_of_birth = "day_month_swapped"``).
    """

    record_ids: list[str]
    cluster_ids: list[str]
    pairs: pa.Table
    issues: list[RowIssue]
    prior: float
    cluster_stats: ClusterStats
    timings: dict[str, float] = field(default_factory=dict)

    def clusters(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for record_id, cluster_id in zip(self.record_ids, self.cluster_ids, strict=True):
            out.setdefault(cluster_id, []).append(record_id)
        return out


def _iter_rows(rows: Rows) -> Iterator[Mapping[str, object]]:
    if isinstance(rows, pa.Table):
        for batch in rows.to_batches(max_chunksize=50_000):
            yield from batch.to_pylist()
    else:
        yield from rows


def prepare_all(
    rows: Rows, *, today: dt.date | None = None, first_line: int = 2
) -> tuple[list[Features], list[RowIssue]]:
    """Features of every row; raises DuplicateRecordIdError on a repeated or empty record_id."""
    today = today or dt.datetime.now(tz=dt.UTC).date()
    issues: list[RowIssue] = []
    features: list[Features] = []
    seen: dict[str, int] = {}
    for position, row in enumerate(_iter_rows(rows), start=first_line):
        # Rows read by csvio carry the line they came from (blank lines skipped).
        line_value = row.get("_line")
        line = int(str(line_value)) if line_value is not None else position
        record = prepare_record(row, line=line, today=today, issues=issues)
        if not record.record_id:
            raise DuplicateRecordIdError(f"line {line}: record_id is empty")
        if record.record_id in seen:
            raise DuplicateRecordIdError(
                f"line {line}: record_id {record.record_id!r} already used on line "
                f"{seen[record.record_id]}"
            )
        seen[record.record_id] = line
        features.append(record)
    return features, issues


def features_table(features: list[Features]) -> pa.Table:
    return pa.Table.from_pydict(
        features_to_columns(features), schema=splink_backend.features_schema()
    )


def _level_labels(pairs: pa.Table) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for spec in COMPARISONS:
        by_gamma = {}
        for i, level in enumerate(spec.levels):
            by_gamma[-1 if level.is_null else len(spec.levels) - 1 - i] = level.label
        gammas = pairs.column(f"gamma_{spec.name}").to_pylist()
        out[spec.name] = [by_gamma[g] for g in gammas]
    return out


def score_blocked_pairs(
    table: pa.Table,
    model: Model,
    *,
    prior: float,
    term_frequencies: dict[str, dict[str, float]],
    pair_budget: int = DEFAULT_PAIR_BUDGET,
    backend: Backend = "duckdb",
    threads: int = 2,
    spark_session: Any = None,
) -> pa.Table:
    """The candidate pairs of the blocking rules the pair budget admits, scored by Splink
    (``rid_l``, ``rid_r``, ``match_weight`` and the levels)."""
    rules, counts = select_rules(table, pair_budget)
    logger.info("blocking rules: %s (of %s)", [r.name for r in rules], counts)
    return splink_backend.predict(
        table,
        model,
        prior=prior,
        term_frequencies=term_frequencies,
        blocking_rules=[r.sql() for r in rules],
        backend=backend,
        threads=threads,
        spark_session=spark_session,
    )


def link_records(
    rows: Rows,
    *,
    model: Model | None = None,
    threshold: float | None = None,
    pair_threshold: float = 0.5,
    backend: Backend = "duckdb",
    threads: int = 2,
    spark_session: Any = None,
    today: dt.date | None = None,
    pair_budget: int = DEFAULT_PAIR_BUDGET,
) -> LinkResult:
    """Deduplicate registrations: score candidate pairs and cluster them.

    ``rows`` have the CLI's columns (mappings or an Arrow table). ``threshold``
    overrides the model's link threshold (the match probability at which a
    pair may join two clusters). Returns clusters for every row and the pairs
    with probability ≥ ``pair_threshold`` with their per-field levels.
    """
    model = model or Model.load()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    features, issues = prepare_all(rows, today=today)
    features, swapped = orient(features)
    logger.info("%d registrations with given name and surname swapped back", swapped)
    timings["prepare"] = time.perf_counter() - started
    n = len(features)
    if threshold is not None:
        model = replace(model, link_threshold=threshold)
    prior0 = model.prior_for(n)
    frequencies = term_frequencies(features)

    started = time.perf_counter()
    if n >= 2:
        scored = score_blocked_pairs(
            features_table(features),
            model,
            prior=prior0,
            term_frequencies=frequencies,
            pair_budget=pair_budget,
            backend=backend,
            threads=threads,
            spark_session=spark_session,
        )
    else:
        scored = pa.table(
            {
                "rid_l": pa.array([], pa.int64()),
                "rid_r": pa.array([], pa.int64()),
                "match_weight": pa.array([], pa.float64()),
            }
        )
    timings["predict"] = time.perf_counter() - started

    started = time.perf_counter()
    prior = splink_backend.refine_prior(scored, prior0, n) if n >= 2 else prior0
    shift = logit2(prior) - logit2(prior0)
    weights = [w + shift for w in scored.column("match_weight").to_pylist()]
    left = scored.column("rid_l").to_pylist()
    right = scored.column("rid_r").to_pylist()
    scorer = Scorer(model, prior=prior, term_frequencies=frequencies)
    roots, stats = constrained_clusters(
        features,
        zip(left, right, weights, strict=True),
        scorer,
        link_threshold=model.link_threshold,
        min_pair_probability=model.min_pair_probability,
    )
    timings["cluster"] = time.perf_counter() - started

    cluster_ids = [features[root].record_id for root in roots]
    pairs = _pairs_table(scored, weights, pair_threshold, [f.record_id for f in features])
    logger.info(
        "linked %d records: %d scored pairs, prior %.3g, %s", n, scored.num_rows, prior, stats
    )
    return LinkResult(
        record_ids=[f.record_id for f in features],
        cluster_ids=cluster_ids,
        pairs=pairs,
        issues=issues,
        prior=prior,
        cluster_stats=stats,
        timings=timings,
    )


def _pairs_table(
    scored: pa.Table, weights: list[float], pair_threshold: float, record_ids: list[str]
) -> pa.Table:
    import pyarrow.compute as pc

    from palermo.dedup.engine.scorer import probability_from_weight

    probabilities = pa.array([probability_from_weight(w) for w in weights], pa.float64())
    table = pa.table(
        {
            "rid_l": scored.column("rid_l"),
            "rid_r": scored.column("rid_r"),
            "match_probability": probabilities,
            "match_weight": pa.array(weights, pa.float64()),
            **{f"gamma_{s.name}": scored.column(f"gamma_{s.name}") for s in COMPARISONS
               if f"gamma_{s.name}" in scored.column_names},
        }
    )  # fmt: skip
    table = table.filter(pc.greater_equal(table.column("match_probability"), pair_threshold))
    ids = pa.array(record_ids, pa.string())
    table = table.set_column(0, "record_id_l", pc.take(ids, table.column("rid_l")))
    table = table.set_column(1, "record_id_r", pc.take(ids, table.column("rid_r")))
    # One column per compared field holding the level label, even when empty.
    labels = _level_labels(table) if f"gamma_{COMPARISONS[0].name}" in table.column_names else {}
    for spec in COMPARISONS:
        gamma = f"gamma_{spec.name}"
        if gamma in table.column_names:
            table = table.drop_columns([gamma])
        values = labels.get(spec.name, [None] * table.num_rows)
        table = table.append_column(spec.name, pa.array(values, pa.string()))
    return table
