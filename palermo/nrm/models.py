"""The National Referral Mechanism's records: referrals, consent, deadlines, decisions,
parallel tracks and its configurable periods. Case states live on ``registry.Case``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.core.crypto import EncryptedTextField
from palermo.institutions.models import Institution
from palermo.registry.models import Case

from .codes import ConsentPurpose, DeadlineKind, ReferralState, ServiceType, Track

USER = settings.AUTH_USER_MODEL


class NrmSettings(models.Model):
    """Deadlines of the mechanism, set by the coordinator (one row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    referral_due_hours = models.PositiveIntegerField(
        _("referral due after presumption (hours)"), default=24
    )
    child_referral_due_hours = models.PositiveIntegerField(_("… for a child (hours)"), default=12)
    reflection_min_days = models.PositiveIntegerField(
        _("minimum recovery and reflection period (days)"), default=30
    )
    needs_assessment_days = models.PositiveIntegerField(
        _("needs assessment due (days)"), default=20
    )
    child_needs_assessment_days = models.PositiveIntegerField(_("… for a child (days)"), default=10)
    referral_response_hours = models.PositiveIntegerField(
        _("answer to a referral due (hours)"), default=48
    )
    child_referral_response_hours = models.PositiveIntegerField(
        _("… for a child (hours)"), default=24
    )
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "NRM settings"

    @classmethod
    def current(cls) -> NrmSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Referral(models.Model):
    """A case, or part of it, sent to another institution for a service (need to know)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    from_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    to_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    sections = models.JSONField(_("shared sections"), default=list)
    urgent_without_consent = models.BooleanField(
        _("urgent: risk to life, shared without consent"), default=False
    )
    urgency_justification = models.TextField(blank=True)
    note = EncryptedTextField(_("note to the receiving institution"), blank=True)
    state = models.CharField(
        max_length=12, choices=ReferralState.choices, default=ReferralState.SENT
    )
    reason = models.TextField(blank=True)  # decline, withdrawal or end
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    responded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["to_institution", "state", "-created_at"], name="referral_to"),
            models.Index(fields=["from_institution", "state", "-created_at"], name="referral_from"),
            models.Index(fields=["case", "state"], name="referral_case"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class Consent(models.Model):
    """Consent for one purpose, as taken: who, when, in which language, with an interpreter."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    institution_types = models.JSONField(
        _("institution types data may go to"), default=list, blank=True
    )
    sections = models.JSONField(_("sections that may be shared"), default=list, blank=True)
    given_on = models.DateField(_("given on"))
    taken_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language of the conversation"), max_length=40)
    interpreter_used = models.BooleanField(_("an interpreter was used"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["case", "purpose", "withdrawn_at"], name="consent_case")]

    def __str__(self) -> str:
        return f"consent {self.purpose}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Deadline(models.Model):
    """Something an institution must do by a time; shown as "action needed", overdue first."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=24, choices=DeadlineKind.choices)
    due_at = models.DateTimeField()
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    met_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["institution", "met_at", "cancelled_at", "due_at"], name="deadline_open"
            ),
            models.Index(fields=["case", "kind"], name="deadline_case"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"

    @property
    def open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def overdue(self) -> bool:
        return self.open and self.due_at < timezone.now()


class ReflectionPeriod(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reflection_periods")
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reflection {self.case_id}"


class IdentificationDecision(models.Model):
    """T5/T6: the competent authority's decision — never conditional on cooperation with police."""

    class Outcome(models.TextChoices):
        IDENTIFIED = "identified", _("Identified as a victim")
        NOT_IDENTIFIED = "not_identified", _("Not identified")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="identification_decisions"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    decision_date = models.DateField(_("decision date"))
    decision_body = models.CharField(_("decision-making body"), max_length=200)
    grounds = EncryptedTextField(_("grounds"))
    person_notified_on = models.DateField(_("person notified on"), null=True, blank=True)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.outcome} {self.case_id}"


class TrackEvent(models.Model):
    """A step on a parallel track (assistance, residence, return, compensation)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="track_events")
    track = models.CharField(max_length=16, choices=Track.choices)
    state = models.CharField(max_length=20)
    on = models.DateField()
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "recorded_at", "pk"]
        indexes = [models.Index(fields=["case", "track"], name="trackevent_case")]

    def __str__(self) -> str:
        return f"{self.track}:{self.state}"


class BestInterestsDetermination(models.Model):
    """Recorded before decisions on a child's return, residence or placement."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="best_interests")
    decided_on = models.DateField(_("determined on"))
    summary = EncryptedTextField(_("summary"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"BID {self.case_id}"
