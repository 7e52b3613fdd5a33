"""The deduplication review queue: linkage runs, candidate pairs, merges (and un-merges)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.registry.models import Person, Registration

USER = settings.AUTH_USER_MODEL


class LinkageRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registrations = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.pk}"


class Candidate(models.Model):
    """Two registrations of different persons that may be the same human being."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        ACCEPTED = "accepted", _("Same person (merged)")
        REJECTED = "rejected", _("Different persons")
        SUPERSEDED = "superseded", _("No longer applies")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(
        LinkageRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    left = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField()
    levels = models.JSONField(default=list)  # [{field, level, weight, agrees}]
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="candidate_pair_unique"),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="candidate_queue")]

    def __str__(self) -> str:
        return f"candidate {self.pk}"


class Merge(models.Model):
    """``absorbed`` was merged into ``survivor``; ``moved`` records what moved, for un-merge."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        Candidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    unmerged_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"merge {self.pk}"
