"""The linkage model file: Splink settings with trained m/u plus Palermo's own parameters.

The file is plain JSON so a reviewer can read every m and u probability (and
the match weight each level adds) before the model is trusted. It has two
parts: ``splink_settings`` (exactly what ``linker.misc.save_model_to_json``
writes; Splink loads it as is) and Palermo's parameters (clustering
thresholds, the expected number of duplicates per record used to set the
prior, provenance).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from palermo.dedup.engine.levels import COMPARISONS, comparison_vector_value

MODEL_FORMAT_VERSION = 1
DEFAULT_MODEL_RESOURCE = "default_model.json"


class ModelError(ValueError):
    """The model file cannot be used (unreadable, or made for other comparisons)."""


@dataclass(frozen=True)
class LevelParams:
    label: str
    gamma: int
    m: float | None
    u: float | None
    is_null: bool
    tf_column: str | None

    @property
    def weight(self) -> float:
        """log2(m/u): the match weight this level adds (0 for the null level)."""
        if self.is_null or self.m is None or self.u is None:
            return 0.0
        return math.log2(self.m / self.u)


@dataclass
class Model:
    """A trained (or untrained) linkage model; see the module docstring for the file."""

    splink_settings: dict[str, Any]
    expected_matches_per_record: float = 1.0
    link_threshold: float = 0.5
    min_pair_probability: float = 0.2
    description: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)

    # --- parameters ----------------------------------------------------------
    def level_params(self) -> list[list[LevelParams]]:
        """m/u for every level of every comparison, in the order of ``levels.COMPARISONS``."""
        comparisons = self.splink_settings.get("comparisons", [])
        if len(comparisons) != len(COMPARISONS):
            raise ModelError(
                f"model has {len(comparisons)} comparisons, the engine expects {len(COMPARISONS)}"
            )
        out: list[list[LevelParams]] = []
        for spec, comparison in zip(COMPARISONS, comparisons, strict=True):
            if comparison.get("output_column_name") != spec.name:
                raise ModelError(
                    f"model comparison {comparison.get('output_column_name')!r} "
                    f"where the engine expects {spec.name!r}"
                )
            levels = comparison["comparison_levels"]
            if [(lv["sql_condition"], lv.get("tf_adjustment_column")) for lv in levels] != [
                (lv.sql, lv.tf_column) for lv in spec.levels
            ]:
                raise ModelError(
                    f"comparison {spec.name!r} in the model was made for other levels; "
                    "retrain the model with this version of the engine"
                )
            out.append(
                [
                    LevelParams(
                        label=level.label,
                        gamma=comparison_vector_value(spec, i),
                        m=stored.get("m_probability"),
                        u=stored.get("u_probability"),
                        is_null=level.is_null,
                        tf_column=level.tf_column,
                    )
                    for i, (level, stored) in enumerate(zip(spec.levels, levels, strict=True))
                ]
            )
        return out

    def is_trained(self) -> bool:
        return all(
            p.m is not None and p.u is not None
            for comparison in self.level_params()
            for p in comparison
            if not p.is_null
        )

    def prior_for(self, n_records: int) -> float:
        """Probability that two random records match, for a data set of ``n_records``."""
        return min(0.5, self.expected_matches_per_record / max(1, n_records - 1))

    # --- files ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "palermo_model_format": MODEL_FORMAT_VERSION,
            "description": self.description,
            "provenance": self.provenance,
            "expected_matches_per_record": self.expected_matches_per_record,
            "clustering": {
                "link_threshold": self.link_threshold,
                "min_pair_probability": self.min_pair_probability,
            },
            "level_weights_for_review": {
                spec.name: {p.label: round(p.weight, 3) for p in params}
                for spec, params in zip(COMPARISONS, self.level_params(), strict=True)
            },
            "splink_settings": self.splink_settings,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        if data.get("palermo_model_format") != MODEL_FORMAT_VERSION:
            raise ModelError(
                f"unsupported model format {data.get('palermo_model_format')!r}; "
                f"expected {MODEL_FORMAT_VERSION}"
            )
        clustering = data.get("clustering", {})
        model = cls(
            splink_settings=data["splink_settings"],
            expected_matches_per_record=float(data["expected_matches_per_record"]),
            link_threshold=float(clustering.get("link_threshold", 0.5)),
            min_pair_probability=float(clustering.get("min_pair_probability", 0.2)),
            description=str(data.get("description", "")),
            provenance=dict(data.get("provenance", {})),
        )
        model.level_params()  # validate against the engine's comparisons now
        return model

    @classmethod
    def load(cls, path: str | Path | None = None) -> Model:
        """Load a model file, or the default model shipped with the package."""
        try:
            if path is None:
                text = (
                    resources.files("palermo.dedup.engine")
                    .joinpath(DEFAULT_MODEL_RESOURCE)
                    .read_text(encoding="utf-8")
                )
            else:
                text = Path(path).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelError(f"cannot read model {path or DEFAULT_MODEL_RESOURCE}: {exc}") from exc
        try:
            return cls.from_dict(data)
        except KeyError as exc:
            raise ModelError(f"model file lacks {exc}") from exc


def untrained_settings(probability_two_random_records_match: float = 1e-4) -> dict[str, Any]:
    """Splink settings for the engine's comparisons and blocking rules, without m/u."""
    from palermo.dedup.engine.blocking import RULES
    from palermo.dedup.engine.levels import splink_comparisons

    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": splink_comparisons(),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule.sql(), "sql_dialect": "duckdb"} for rule in RULES
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }
