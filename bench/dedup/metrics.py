"""Pairwise precision, recall and F1 of a clustering against known truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairwiseScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    largest_cluster: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScores:
    """Compare ``record_id -> cluster_id`` with ``record_id -> person_id`` over the same records.

    A pair of records is predicted when they share a cluster and true when they
    share a person; counting through the contingency table keeps this linear.
    """
    if predicted.keys() != truth.keys():
        missing = set(truth) ^ set(predicted)
        raise ValueError(f"predicted and true records differ, e.g. {sorted(missing)[:3]}")
    both = Counter((predicted[r], truth[r]) for r in truth)
    cluster_sizes = Counter(predicted.values())
    truth_sizes = Counter(truth.values())
    return PairwiseScores(
        true_pairs=sum(_pairs(n) for n in truth_sizes.values()),
        predicted_pairs=sum(_pairs(n) for n in cluster_sizes.values()),
        correct_pairs=sum(_pairs(n) for n in both.values()),
        largest_cluster=max(cluster_sizes.values(), default=0),
    )
