"""Train a model on registrations (unsupervised: no truth labels are used)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import splink

from palermo.dedup.engine import backend as splink_backend
from palermo.dedup.engine.backend import Backend
from palermo.dedup.engine.levels import (
    CITIZENSHIP,
    FIRST_NAME,
    PLACE_OF_BIRTH,
    SEX,
    ComparisonSpec,
    level_index,
)
from palermo.dedup.engine.model import Model, ModelError
from palermo.dedup.engine.pipeline import Rows, features_table, prepare_all, score_blocked_pairs
from palermo.dedup.engine.records import Features, orient
from palermo.dedup.engine.scorer import term_frequencies

# A surname held by at most this many registrations is "rare": two of them with
# the same given name are almost surely one person (see backend.DATE_EM_BLOCK).
RARE_SURNAME_MAX = 3


def train_model(
    rows: Rows,
    *,
    backend: Backend = "duckdb",
    threads: int = 2,
    spark_session: Any = None,
    description: str = "",
    link_threshold: float = 0.5,
    min_pair_probability: float = 0.2,
    seed: int = 42,
) -> Model:
    """Estimate u (random sampling) and m (EM), then the expected duplicates per record.

    The last step scores the training data with the new model and takes the
    EM estimate of the prior (see ``backend.refine_prior``), so that the
    model carries how many duplicates a record has on average, independent of
    the size of the data it will be applied to.
    """
    features, _ = prepare_all(rows)
    features, _ = orient(features)
    table = features_table(features)
    surname_counts = Counter(f.sn for f in features if f.sn is not None)
    rare = [
        f.sn if f.sn is not None and surname_counts[f.sn] <= RARE_SURNAME_MAX else None
        for f in features
    ]
    training_table = table.append_column("snr", pa.array(rare, pa.string()))
    conditional = {
        spec.name: values
        for spec in (FIRST_NAME, SEX, CITIZENSHIP, PLACE_OF_BIRTH)
        if (values := conditional_u(features, spec, seed=seed)) is not None
    }
    frequencies = term_frequencies(features)
    settings = splink_backend.train(
        training_table,
        conditional_u=conditional,
        term_frequencies=frequencies,
        backend=backend,
        threads=threads,
        spark_session=spark_session,
        seed=seed,
    )
    try:
        shipped: Model | None = Model.load()
    except ModelError:  # the shipped model predates a change of the comparisons
        shipped = None
    filled = _fill_untrained(settings, shipped)
    model = Model(
        splink_settings=settings,
        expected_matches_per_record=1.0,
        link_threshold=link_threshold,
        min_pair_probability=min_pair_probability,
        description=description,
        provenance={
            "trained_on_records": len(features),
            "trained_at": dt.datetime.now(tz=dt.UTC).date().isoformat(),
            "splink_version": splink.__version__,
            "backend": backend,
            "method": "swapped given names and surnames put back by name-role counts; "
            "u: random sampling (max 2e7 pairs), for first name, sex, citizenship "
            "and place of birth within surname groups; m: EM on l.dob = r.dob, then "
            f"(surname levels only) EM on {splink_backend.SURNAME_EM_BLOCK}, then (date "
            f"levels only) EM on {splink_backend.DATE_EM_BLOCK}, both with "
            f"an in-block starting prior of {splink_backend.DATE_EM_PRIOR}",
            "levels_from_shipped_model": filled,
        },
    )
    n = len(features)
    prior0 = model.prior_for(n)
    scored = score_blocked_pairs(
        table,
        model,
        prior=prior0,
        term_frequencies=frequencies,
        backend=backend,
        threads=threads,
        spark_session=spark_session,
    )
    prior = splink_backend.refine_prior(scored, prior0, n)
    model.expected_matches_per_record = prior * (n - 1)
    return model


def _fill_untrained(settings: dict[str, Any], fallback: Model | None) -> list[str]:
    """Give levels the data could not inform the m/u of ``fallback``; return their names.

    A data set without sex or citizenship (FEBRL) leaves those comparisons
    untrained; they then never apply to its records anyway (always null), but
    the model must be complete to be saved and reused. Without a usable
    ``fallback`` such levels get m = u (weight 0).
    """
    filled: list[str] = []
    if fallback is None:
        for comparison in settings["comparisons"]:
            for level in comparison["comparison_levels"]:
                if level.get("is_null_level"):
                    continue
                for key in ("m_probability", "u_probability"):
                    if not isinstance(level.get(key), float | int):
                        level["m_probability"] = level["u_probability"] = 0.5
                        filled.append(
                            f"{comparison['output_column_name']}.{level['label_for_charts']}"
                        )
        return sorted(set(filled))
    stored = fallback.splink_settings["comparisons"]
    for comparison, reference in zip(settings["comparisons"], stored, strict=True):
        for level, ref in zip(
            comparison["comparison_levels"], reference["comparison_levels"], strict=True
        ):
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                if not isinstance(level.get(key), float | int):
                    level[key] = ref[key]
                    filled.append(f"{comparison['output_column_name']}.{level['label_for_charts']}")
    return sorted(set(filled))


def conditional_u(
    features: Sequence[Features],
    spec: ComparisonSpec,
    *,
    max_pairs: int = 300_000,
    seed: int = 42,
) -> list[float] | None:
    """u of each non-null level of ``spec`` among random pairs that share a surname skeleton.

    Candidate pairs nearly always agree on a name, and a name goes with a
    population: within it, citizenship, sex distribution and places of birth
    are far more alike than across the registry. The u that matters is the
    chance of agreement for two different people *given* their names agree,
    which is what sampling within surname groups measures (a few true matches
    in the sample only make the estimate slightly conservative). None when no
    sampled pair has values for the comparison (e.g. a data set without sex).
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(features):
        if record.sk is not None:
            groups[record.sk].append(i)
    sizes = [(key, len(members)) for key, members in groups.items() if len(members) > 1]
    if not sizes:
        return None
    rng = random.Random(seed)
    keys = [key for key, _ in sizes]
    weights = [n * (n - 1) for _, n in sizes]
    counts: Counter[int] = Counter()
    n_levels = len(spec.levels)
    for key in rng.choices(keys, weights=weights, k=max_pairs):
        a, b = rng.sample(groups[key], 2)
        index = level_index(spec, features[a], features[b])
        if not spec.levels[index].is_null:
            counts[index] += 1
    total = sum(counts.values())
    if total < 100:
        return None
    # A level never seen gets half a count, so its weight stays finite.
    return [max(counts[i], 0.5) / total for i in range(1, n_levels)]
