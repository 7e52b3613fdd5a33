"""Record linkage (deduplication) of registrations, on Splink 5, without Django.

Public API:

* ``link_records(rows, ...) -> LinkResult``: batch linkage (CLI, nightly job).
* ``score_candidates(new_record, candidates, ...) -> list[PairScore]``: one new
  registration against candidates, pure Python (registry search-before-create).
* ``Model``: the model file (load, save, review); ``train_model`` estimates one.
* ``term_frequencies(features)``: name frequency tables for the scorer.
"""

from palermo.dedup.engine.model import Model, ModelError
from palermo.dedup.engine.pipeline import LinkResult, link_records
from palermo.dedup.engine.records import REQUIRED_COLUMNS, Features, RowIssue, prepare_record
from palermo.dedup.engine.scorer import (
    FieldComparison,
    PairScore,
    Scorer,
    score_candidates,
    term_frequencies,
)
from palermo.dedup.engine.training import train_model

__all__ = [
    "REQUIRED_COLUMNS",
    "Features",
    "FieldComparison",
    "LinkResult",
    "Model",
    "ModelError",
    "PairScore",
    "RowIssue",
    "Scorer",
    "link_records",
    "prepare_record",
    "score_candidates",
    "term_frequencies",
    "train_model",
]
