"""Cases: one person's trafficking (or protection) case, who holds it and its history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.core.countries import UNKNOWN as UNKNOWN_COUNTRY
from palermo.core.crypto import EncryptedTextField
from palermo.core.models import CodeItem
from palermo.institutions.models import Institution

from ..codes import (
    Accompaniment,
    CaseKind,
    CaseState,
    DetectionSource,
    ExploitationForm,
    LabourSector,
    RecruiterRelation,
    TraffickingScope,
)
from ._ids import new_case_reference
from .people import Person, Registration


class Case(models.Model):
    """The case of one person: an NRM case (with the identification state machine) or a
    protection case for a person at risk, which can later turn into an NRM case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=16, unique=True, default=new_case_reference)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    origin_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    state = models.CharField(_("state"), max_length=24, choices=CaseState.choices)
    registering_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+"
    )
    lead_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    detection_date = models.DateField(_("date of detection"))
    presumed_date = models.DateField(_("presumed victim since"), null=True, blank=True)
    identified_date = models.DateField(_("identified on"), null=True, blank=True)
    closed_date = models.DateField(_("closed on"), null=True, blank=True)
    detection_source = models.CharField(
        _("detection source"), max_length=20, choices=DetectionSource.choices
    )
    country_of_exploitation = models.CharField(
        _("country of exploitation"), max_length=2, default=UNKNOWN_COUNTRY
    )
    municipality_of_exploitation = models.CharField(
        _("municipality of exploitation"), max_length=100, blank=True
    )
    trafficking_scope = models.CharField(
        _("internal or transnational"),
        max_length=16,
        choices=TraffickingScope.choices,
        default=TraffickingScope.UNKNOWN,
    )
    is_child = models.BooleanField(_("child"), default=False)
    accompaniment = models.CharField(
        _("accompaniment"),
        max_length=16,
        choices=Accompaniment.choices,
        default=Accompaniment.NOT_APPLICABLE,
    )
    story = EncryptedTextField(_("account of the exploitation"), blank=True)
    search_ran_at = models.DateTimeField(null=True, blank=True)
    # NRM bookkeeping (palermo.nrm moves cases between states).
    previous_state = models.CharField(max_length=24, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=40, blank=True)

    sealed = models.BooleanField(default=False)
    sealed_at = models.DateTimeField(null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["lead_institution", "-detection_date"], name="case_lead"),
            models.Index(fields=["person"], name="case_person"),
            models.Index(fields=["state"], name="case_state"),
            # The list's default order and its reverse straight from the index, so a page
            # stops after its rows whatever the filter (docs/benchmarks.md, Registry). Each
            # ends with ``sealed``: SQLite then tests the scope's sealed condition in the
            # index and reads a case's row only for the cases on the page (a list walks
            # several cases out of scope for each one it shows).
            models.Index(fields=["-detection_date", "-id", "sealed"], name="case_detected_desc"),
            models.Index(
                fields=["state", "-detection_date", "-id", "sealed"], name="case_state_detected"
            ),
            # The kind and children filters walk only their own cases, in list order.
            models.Index(
                fields=["kind", "-detection_date", "-id", "sealed"], name="case_kind_detected"
            ),
            models.Index(
                fields=["is_child", "-detection_date", "-id", "sealed"], name="case_child_detected"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.CLOSED


class CaseAccess(models.Model):
    """Which institutions hold a case, and why: they registered it, lead it, or received it
    through an accepted referral (then only the shared sections). ``visible_cases`` reads
    this table; lists order on the denormalised detection date through its index."""

    class Source(models.TextChoices):
        REGISTERED = "registered", _("Registered the case")
        LEAD = "lead", _("Lead institution")
        REFERRAL = "referral", _("Accepted referral")
        CHILD_PROTECTION = "child_protection", _("Centre for social work of a child")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices)
    referral_id = models.UUIDField(null=True, blank=True)
    sections = models.JSONField(default=list, blank=True)  # empty: every section
    detection_date = models.DateField()
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # With the case last, an institution's walk along its holdings in list order
            # (the institution filter) reads the index alone, already in the list's order.
            models.Index(
                fields=["institution", "revoked_at", "-detection_date", "-case"],
                name="caseaccess_inst",
            ),
            # With ``revoked_at``, whether an institution holds a case (the list's scope
            # condition, once per case it walks) is answered from the index alone.
            models.Index(fields=["case", "institution", "revoked_at"], name="caseaccess_case"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.institution_id}"


class CaseShare(models.Model):
    """A case two institutions both hold (each by at least one live ``CaseAccess`` row): one
    row per pair of its holders, the lower institution id in ``institution``. Derived from
    the access rows (``services.holds.refresh_shares``, after every change of access): the
    institution filter reads the cases the user's institution shares with another from
    here, in list order, a page's worth whatever the two hold. Walking one institution's
    holdings and probing each for the other's read all of them for two that share nothing
    (Prizren's police filtering Peja's: 230,000 rows, 0.4-0.7 s at 1M)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    detection_date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "institution", "other"], name="caseshare_once"),
            models.CheckConstraint(
                condition=models.Q(institution__lt=models.F("other")), name="caseshare_ordered"
            ),
        ]
        # In list order for one pair; its statement reads the index alone.
        indexes = [
            models.Index(
                fields=["institution", "other", "-detection_date", "-case"], name="caseshare_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}+{self.other_id}"


class CaseTeamMember(models.Model):
    """A named user on the case team, possibly from another institution."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams"
    )
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The member's institution holds no live access to the case: the case is in the member's
    # scope through the team alone (a prosecutor's victim advocate on a police case). Kept by
    # ``services.holds.refresh_team_holds`` after every change of access or team; lists find
    # these few cases here instead of probing the team of every case they walk.
    beyond_hold = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "removed_at"], name="caseteam_user"),
            models.Index(
                fields=["user", "institution"],
                condition=models.Q(beyond_hold=True, removed_at__isnull=True),
                name="caseteam_beyond_hold",
            ),
            # "is this user on this case's team": one probe per listed case.
            models.Index(
                fields=["case", "user", "institution", "removed_at"], name="caseteam_case_user"
            ),
        ]

    def __str__(self) -> str:
        return f"team {self.case_id}:{self.user_id}"


class CaseSealMember(models.Model):
    """A named user who may still see a sealed case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="seal_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="sealmember_unique")]

    def __str__(self) -> str:
        return f"seal {self.case_id}:{self.user_id}"


class CaseTransfer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    to_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    transferred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["transferred_at"]

    def __str__(self) -> str:
        return f"transfer {self.case_id}"


class CaseEvent(models.Model):
    """The case's timeline: creation, transitions, transfers, team changes, sealing."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case")]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"

    KIND_LABELS = {
        "created": _("Registered"),
        "transition": _("State changed"),
        "transferred": _("Lead transferred"),
        "team.added": _("Added to the team"),
        "team.removed": _("Removed from the team"),
        "sealed": _("Sealed"),
        "unsealed": _("Unsealed"),
    }

    @property
    def kind_label(self) -> str:
        return str(self.KIND_LABELS.get(self.kind, self.kind))

    @property
    def to_state_label(self) -> str:
        return str(CaseState(self.to_state).label) if self.to_state in CaseState.values else ""


class Exploitation(models.Model):
    """One form of exploitation in a case (a case may have several)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitations")
    form = models.CharField(_("form"), max_length=20, choices=ExploitationForm.choices)
    labour_sector = models.CharField(
        _("sector"), max_length=20, choices=LabourSector.choices, blank=True
    )
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, default=UNKNOWN_COUNTRY)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    recruiter_relation = models.CharField(
        _("recruiter"),
        max_length=20,
        choices=RecruiterRelation.choices,
        default=RecruiterRelation.UNKNOWN,
    )

    class Meta:
        indexes = [models.Index(fields=["form", "case"], name="exploitation_form")]

    def __str__(self) -> str:
        return self.form

    @property
    def means_labels(self) -> list[str]:
        from ..codes import MeansOfControl

        return [
            str(MeansOfControl(m).label)
            for m in self.means_of_control
            if m in MeansOfControl.values
        ]


class CaseIndicator(models.Model):
    """A screening indicator ticked for the case (the list is an editable code list)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(
        CodeItem,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"list_code": "indicator"},
    )
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    noted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "indicator"], name="caseindicator_unique")
        ]

    def __str__(self) -> str:
        return f"indicator {self.indicator_id}"
