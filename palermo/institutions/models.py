"""Institutions of the National Referral Mechanism and their capabilities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.core.models import CodeItem
from palermo.core.roles import Capability


class Institution(models.Model):
    """A body that takes part in the NRM: a police unit, a shelter, a centre for social work…

    Data belongs to the institution that registered it. Its capabilities, set by the admin,
    combine with users' roles in the access policy.
    """

    code = models.SlugField(max_length=48, unique=True, help_text=_("Short stable code."))
    name = models.CharField(_("name"), max_length=200)
    type = models.ForeignKey(
        CodeItem,
        on_delete=models.PROTECT,
        limit_choices_to={"list_code": "institution_type"},
        related_name="+",
        verbose_name=_("type"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("parent institution"),
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name

    def capability_codes(self) -> frozenset[str]:
        return frozenset(c.capability for c in self.capabilities.all())


class InstitutionCapability(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="capabilities"
    )
    capability = models.CharField(max_length=32, choices=Capability.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "capability"], name="institution_capability_unique"
            )
        ]
        indexes = [models.Index(fields=["capability"], name="institution_capability_idx")]

    def __str__(self) -> str:
        return f"{self.institution_id}:{self.capability}"
