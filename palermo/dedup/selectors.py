"""Reads for reviewers: only the identity fields needed to decide, and the comparison."""

from __future__ import annotations

from typing import Any

from palermo.registry.linkage import record_of_registration as record_of
from palermo.registry.search import registry_size

from .models import Candidate


def comparison(candidate: Candidate) -> dict[str, Any]:
    """Side by side: the two registrations' identity fields, which fields agreed and which
    disagreed (with their weights), and the total match weight."""
    from palermo.dedup.engine.scorer import score_candidates

    left, right = candidate.left, candidate.right
    # The prior depends on how many registrations the pair was drawn from.
    size = registry_size()
    score = score_candidates(record_of(left), [record_of(right)], registry_size=size)[0]
    return {
        "left": left,
        "right": right,
        "fields": [
            {"field": f.field, "level": f.level, "weight": round(f.weight, 2), "agrees": f.agrees}
            for f in score.fields
        ],
        "match_weight": round(score.match_weight, 2),
        "probability": score.match_probability,
    }


def queue() -> Any:
    return (
        Candidate.objects.filter(status=Candidate.Status.OPEN)
        .select_related("left__institution", "right__institution")
        .order_by("-probability", "pk")
    )
