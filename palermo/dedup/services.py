"""Writes of deduplication: merging and un-merging persons, reviewing candidates, runs.

Merge moves the absorbed person's registrations, cases and relations to the survivor and
records exactly what moved; un-merge moves those back. Things added after the merge stay
with the registration or case they were added to: a case follows its registration, a
registration made for the merged person stays with the survivor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.registry.models import Case, Person, PersonRelation, Registration

from .models import Candidate, LinkageRun, Merge

ACTION = "duplicate.review"
BULK_MINIMUM = 0.99


def _ids(qs: Any) -> list[str]:
    return [str(pk) for pk in qs.values_list("pk", flat=True)]


@transaction.atomic
def persons_merge(
    *,
    actor: Any,
    survivor: Person,
    absorbed: Person,
    candidate: Candidate | None = None,
    channel: str = "web",
) -> Merge:
    ensure_can(actor, ACTION)
    persons = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, absorbed.pk])
    }
    if survivor.pk == absorbed.pk or len(persons) != 2:
        raise ValidationError({"__all__": _("Choose two different persons.")})
    survivor, absorbed = persons[survivor.pk], persons[absorbed.pk]
    if survivor.merged_into_id or absorbed.merged_into_id:
        raise ValidationError(
            {"__all__": _("One of these persons was already merged into another.")}
        )
    if PersonRelation.objects.filter(
        Q(from_person=survivor, to_person=absorbed) | Q(from_person=absorbed, to_person=survivor)
    ).exists():
        raise ValidationError(
            {
                "__all__": _(
                    "These persons are recorded as relatives of each other: they cannot be the same person."
                )
            }
        )
    moved = {
        "registrations": _ids(Registration.objects.filter(person=absorbed)),
        "cases": _ids(Case.objects.filter(person=absorbed)),
        "relations_from": _ids(PersonRelation.objects.filter(from_person=absorbed)),
        "relations_to": _ids(PersonRelation.objects.filter(to_person=absorbed)),
    }
    Registration.objects.filter(pk__in=moved["registrations"]).update(person=survivor)
    Case.objects.filter(pk__in=moved["cases"]).update(person=survivor)
    PersonRelation.objects.filter(pk__in=moved["relations_from"]).update(from_person=survivor)
    PersonRelation.objects.filter(pk__in=moved["relations_to"]).update(to_person=survivor)
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["merged_into"])
    merge = Merge.objects.create(
        survivor=survivor, absorbed=absorbed, candidate=candidate, moved=moved, merged_by=actor
    )
    now = timezone.now()
    if candidate is not None:
        Candidate.objects.filter(pk=candidate.pk).update(
            status=Candidate.Status.ACCEPTED, reviewed_by=actor, reviewed_at=now
        )
    # Other open pairs now inside one person no longer need a decision.
    Candidate.objects.filter(
        status=Candidate.Status.OPEN, left__person=survivor, right__person=survivor
    ).update(status=Candidate.Status.SUPERSEDED, reviewed_at=now)
    audit.record(
        actor,
        "person.merged",
        merge,
        ids=[survivor.pk, absorbed.pk],
        fields=sorted(k for k, v in moved.items() if v),
        channel=channel,
    )
    return merge


@transaction.atomic
def persons_unmerge(*, actor: Any, merge: Merge, channel: str = "web") -> Merge:
    ensure_can(actor, ACTION)
    merge = (
        Merge.objects.select_for_update().select_related("survivor", "absorbed").get(pk=merge.pk)
    )
    if merge.unmerged_at is not None:
        raise ValidationError({"__all__": _("This merge was already undone.")})
    survivor, absorbed = merge.survivor, merge.absorbed
    if survivor.merged_into_id:
        raise ValidationError(
            {"__all__": _("The surviving person was itself merged later: undo that merge first.")}
        )
    moved = merge.moved
    registrations = moved.get("registrations", [])
    Registration.objects.filter(pk__in=registrations, person=survivor).update(person=absorbed)
    Case.objects.filter(
        Q(pk__in=moved.get("cases", [])) | Q(registration_id__in=registrations), person=survivor
    ).update(person=absorbed)
    PersonRelation.objects.filter(
        pk__in=moved.get("relations_from", []), from_person=survivor
    ).update(from_person=absorbed)
    PersonRelation.objects.filter(pk__in=moved.get("relations_to", []), to_person=survivor).update(
        to_person=absorbed
    )
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into"])
    merge.unmerged_by, merge.unmerged_at = actor, timezone.now()
    merge.save(update_fields=["unmerged_by", "unmerged_at"])
    if merge.candidate_id:
        Candidate.objects.filter(pk=merge.candidate_id).update(
            status=Candidate.Status.REJECTED, reviewed_by=actor, reviewed_at=merge.unmerged_at
        )
    audit.record(actor, "person.unmerged", merge, ids=[survivor.pk, absorbed.pk], channel=channel)
    return merge


def _survivor_of(candidate: Candidate) -> tuple[Person, Person]:
    """The earlier-registered person survives; the other is absorbed."""
    left, right = candidate.left, candidate.right
    if left.person_id == right.person_id:
        raise ValidationError({"__all__": _("These registrations already belong to one person.")})
    first, second = sorted([left, right], key=lambda r: (r.person.created_at, str(r.person_id)))
    return first.person, second.person


@transaction.atomic
def candidate_accept(*, actor: Any, candidate: Candidate, channel: str = "web") -> Merge:
    ensure_can(actor, ACTION)
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("left__person", "right__person")
        .get(pk=candidate.pk)
    )
    if candidate.status != Candidate.Status.OPEN:
        raise ValidationError({"__all__": _("This pair was already decided.")})
    survivor, absorbed = _survivor_of(candidate)
    return persons_merge(
        actor=actor, survivor=survivor, absorbed=absorbed, candidate=candidate, channel=channel
    )


@transaction.atomic
def candidate_reject(*, actor: Any, candidate: Candidate, channel: str = "web") -> Candidate:
    ensure_can(actor, ACTION)
    updated = Candidate.objects.filter(pk=candidate.pk, status=Candidate.Status.OPEN).update(
        status=Candidate.Status.REJECTED, reviewed_by=actor, reviewed_at=timezone.now()
    )
    if not updated:
        raise ValidationError({"__all__": _("This pair was already decided.")})
    audit.record(
        actor,
        "duplicate.rejected",
        candidate,
        ids=[candidate.left_id, candidate.right_id],
        channel=channel,
    )
    candidate.refresh_from_db()
    return candidate


def candidates_bulk_accept(
    *, actor: Any, minimum: float = BULK_MINIMUM, channel: str = "web"
) -> int:
    """Accept every open pair at or above ``minimum`` (never below 0.99): each is its own
    merge, so that any can be undone alone."""
    ensure_can(actor, ACTION)
    if minimum < BULK_MINIMUM:
        raise ValidationError(
            {
                "minimum": _("Bulk acceptance needs a probability of at least %(p)s.")
                % {"p": BULK_MINIMUM}
            }
        )
    merged = 0
    for candidate in Candidate.objects.filter(
        status=Candidate.Status.OPEN, probability__gte=minimum
    ).order_by("-probability"):
        try:
            candidate_accept(actor=actor, candidate=candidate, channel=channel)
        except ValidationError:
            continue  # superseded by an earlier merge in this batch, or already merged
        merged += 1
    return merged


def run_request(*, actor: Any | None) -> LinkageRun:
    """Queue a linkage run (the task runs it)."""
    if actor is not None:
        ensure_can(actor, ACTION)
    run = LinkageRun.objects.create(requested_by=actor)
    from .tasks import run_linkage

    transaction.on_commit(lambda: run_linkage.enqueue(run.pk))
    audit.record(actor, "dedup.run_requested", run, channel="web" if actor else "cli")
    return run


def upsert_candidates(run: LinkageRun, pairs: Iterable[dict[str, Any]]) -> int:
    """Store scored pairs of registrations of different persons as open candidates (a pair
    already decided keeps its decision)."""
    created = 0
    for pair in pairs:
        left, right = sorted([pair["left"], pair["right"]], key=str)
        candidate, was_created = Candidate.objects.get_or_create(
            left_id=left,
            right_id=right,
            defaults={
                "run": run,
                "probability": pair["probability"],
                "match_weight": pair["match_weight"],
                "levels": pair["levels"],
            },
        )
        if was_created:
            created += 1
        elif candidate.status == Candidate.Status.OPEN:
            Candidate.objects.filter(pk=candidate.pk).update(
                run=run,
                probability=pair["probability"],
                match_weight=pair["match_weight"],
                levels=pair["levels"],
            )
    return created
