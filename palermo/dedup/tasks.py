"""The linkage job: all registrations of unmerged persons through the engine; pairs of
different persons above the review threshold land in the review queue."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from palermo.registry.linkage import CANDIDATE_FIELDS, record_of
from palermo.registry.models import Registration

from .models import LinkageRun
from .services import upsert_candidates


def registration_rows() -> list[dict[str, object]]:
    return [
        record_of(r)
        for r in Registration.objects.filter(person__merged_into__isnull=True).values(
            *CANDIDATE_FIELDS
        )
    ]


@task()
def run_linkage(run_id: int) -> int:
    from palermo.dedup.engine.pipeline import link_records

    run = LinkageRun.objects.get(pk=run_id)
    run.status, run.started_at = LinkageRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    started = time.perf_counter()
    try:
        rows = registration_rows()
        threshold = float(getattr(settings, "PALERMO_DEDUP_REVIEW_THRESHOLD", 0.5))
        result = link_records(rows, pair_threshold=threshold) if len(rows) >= 2 else None
        person_of = {str(k): v for k, v in Registration.objects.values_list("pk", "person_id")}
        pairs = []
        if result is not None:
            names = [
                c
                for c in result.pairs.column_names
                if c not in ("record_id_l", "record_id_r", "match_probability", "match_weight")
            ]
            for row in result.pairs.to_pylist():
                left, right = row["record_id_l"], row["record_id_r"]
                if person_of.get(left) == person_of.get(right):
                    continue
                pairs.append(
                    {
                        "left": left,
                        "right": right,
                        "probability": float(row["match_probability"]),
                        "match_weight": float(row["match_weight"]),
                        "levels": [{"field": n, "level": row[n]} for n in names],
                    }
                )
        with transaction.atomic():
            created = upsert_candidates(run, pairs)
            run.status = LinkageRun.Status.DONE
            run.registrations, run.pairs, run.candidates = len(rows), len(pairs), created
    except Exception as exc:  # noqa: BLE001 — the run records its failure for the reviewer
        run.status, run.error = LinkageRun.Status.FAILED, type(exc).__name__
        created = 0
    run.finished_at = timezone.now()
    run.seconds = round(time.perf_counter() - started, 2)
    run.save()
    return created
