"""People: the unique human being, each institution's registration of them, relations."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.core.countries import UNKNOWN as UNKNOWN_COUNTRY
from palermo.core.crypto import EncryptedTextField
from palermo.institutions.models import Institution

from ..codes import ADULT_AGE, DobPrecision, DocumentType, RelationKind, Script, Sex
from ._ids import new_pseudonym


class Person(models.Model):
    """One human being. Identity lives in registrations (each institution's record);
    deduplication may merge two persons (``merged_into``) and undo it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pseudonym = models.CharField(max_length=16, unique=True, default=new_pseudonym)
    created_at = models.DateTimeField(default=timezone.now)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["-created_at", "-id"], name="person_created_desc")]

    def __str__(self) -> str:
        return self.pseudonym


class Registration(models.Model):
    """One institution's record of a person: the identity as that institution took it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    # The person this registration was first made for: un-merging returns it there.
    origin_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="registrations"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    other_names = models.CharField(_("other names or aliases"), max_length=200, blank=True)
    script = models.CharField(_("script"), max_length=10, choices=Script.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    dob_precision = models.CharField(
        max_length=10, choices=DobPrecision.choices, default=DobPrecision.UNKNOWN
    )
    citizenship = models.CharField(_("citizenship"), max_length=2, default=UNKNOWN_COUNTRY)
    place_of_birth = models.CharField(_("place of birth"), max_length=100, blank=True)
    municipality = models.CharField(
        _("municipality of residence"),
        max_length=100,
        blank=True,
        help_text=_("For a child, the centre for social work of this municipality is notified."),
    )
    languages = models.CharField(_("languages"), max_length=100, blank=True)
    presumed_minor = models.BooleanField(
        _("presumed to be a child"),
        default=False,
        help_text=_("Age uncertain and there are reasons to believe the person is a child."),
    )

    document_type = models.CharField(
        _("identity document"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.NONE,
    )
    document_number = EncryptedTextField(_("document number"), blank=True)
    document_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    document_country = models.CharField(_("issuing country"), max_length=2, blank=True)

    contact = EncryptedTextField(_("contact details"), blank=True)
    current_location = EncryptedTextField(_("current location"), blank=True)
    shelter = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shelter"),
    )

    class Meta:
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["person", "institution"], name="registration_person_inst"),
            models.Index(fields=["institution", "-registered_at"], name="registration_inst_date"),
            models.Index(fields=["birth_year"], name="registration_birth_year"),
            # The person list's sex filter collects a rare sex's persons (an institution's
            # few "other") here instead of walking every person in scope.
            models.Index(fields=["institution", "sex", "person"], name="registration_inst_sex"),
        ]

    def __str__(self) -> str:
        return f"registration {self.pk}"

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day`` (from the full date, else the year)."""
        if self.date_of_birth:
            dob = self.date_of_birth
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        if self.birth_year:
            return day.year - self.birth_year
        return None

    def is_child_on(self, day: date) -> bool:
        age = self.age_on(day)
        return self.presumed_minor or (age is not None and age < ADULT_AGE)


class NameKey(models.Model):
    """Search keys of a registration's names (palermo.names.search_keys): candidates for
    search-before-create and deduplication come from an indexed ``key IN (...)`` lookup."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="name_keys"
    )
    key = models.CharField(max_length=48)
    # The registration's year of birth, kept beside each key so that "these keys, born
    # within two years" is one index range per key: joining the registrations to filter
    # took PostgreSQL 0.3 s for a common surname at a million registrations. Written by
    # services.register.index_names with the keys (a registration's year does not change).
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["key", "birth_year", "registration"], name="namekey_key_year")
        ]
        constraints = [
            models.UniqueConstraint(fields=["registration", "key"], name="namekey_unique")
        ]

    def __str__(self) -> str:
        return self.key


class PersonRelation(models.Model):
    """A link between two person records: ``to_person`` is ``from_person``'s <kind>."""

    from_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relations_out")
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relations_in")
    kind = models.CharField(_("relation"), max_length=24, choices=RelationKind.choices)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_person=models.F("to_person")), name="relation_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}"


class DuplicateAlert(models.Model):
    """A search matched a person outside the searcher's scope. The match is never shown to
    the searcher; the coordinator's office reviews it (metadata only)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed duplicate")
        DISMISSED = "dismissed", _("Not a duplicate")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    existing_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    existing_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+"
    )
    searching_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+"
    )
    searched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)
    new_registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="dupalert_status")]

    def __str__(self) -> str:
        return f"duplicate alert {self.pk}"
