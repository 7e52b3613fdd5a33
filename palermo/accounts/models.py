"""Users, their memberships (institution × role) and personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from palermo.core.access import Principal
from palermo.core.roles import SECOND_FACTOR_ROLES, Role
from palermo.institutions.models import Institution


class User(AbstractUser):
    """A person who works with Palermo. Acts *as* one of their institutions at a time."""

    last_institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # The institution chosen for this request (session, token); set by the middleware.
    _active_institution_id: int | None = None

    def memberships_by_institution(self) -> dict[int, set[str]]:
        table: dict[int, set[str]] = {}
        for m in self.memberships.filter(institution__active=True):
            table.setdefault(m.institution_id, set()).add(m.role)
        return table

    def act_as(self, institution_id: int | None) -> None:
        """Choose the institution this user acts as (validated against memberships)."""
        self._active_institution_id = institution_id
        self.__dict__.pop("principal", None)
        self.__dict__.pop("_active_memberships", None)

    @cached_property
    def _active_memberships(self) -> list[Membership]:
        return list(
            self.memberships.filter(institution__active=True)
            .select_related("institution")
            .prefetch_related("institution__capabilities")
        )

    @property
    def member_institutions(self) -> list[Institution]:
        """The active institutions this user belongs to, by name (read with the principal)."""
        unique = {m.institution_id: m.institution for m in self._active_memberships}
        return sorted(unique.values(), key=lambda i: i.name)

    @cached_property
    def principal(self) -> Principal:
        by_institution: dict[int, list[Membership]] = {}
        for m in self._active_memberships:
            by_institution.setdefault(m.institution_id, []).append(m)
        if not by_institution:
            return Principal(user_id=self.pk, institution_id=None)
        chosen = self._active_institution_id
        if chosen not in by_institution:
            chosen = self.last_institution_id
        if chosen not in by_institution:
            chosen = min(by_institution)
        rows = by_institution[chosen]
        return Principal(
            user_id=self.pk,
            institution_id=chosen,
            roles=frozenset(m.role for m in rows),
            capabilities=rows[0].institution.capability_codes(),
            institution_ids=frozenset(by_institution),
        )

    def all_roles(self) -> set[str]:
        return set(self.memberships.values_list("role", flat=True))

    def needs_second_factor(self) -> bool:
        """A second factor is mandatory for every role that can read personal data."""
        return self.is_superuser or bool(self.all_roles() & SECOND_FACTOR_ROLES)


class Membership(models.Model):
    """One role a user holds in one institution (a user may hold several)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role"], name="membership_unique_role"
            )
        ]
        ordering = ["institution__name", "role"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.institution_id}:{self.role}"


class ApiToken(models.Model):
    """A personal access token for the JSON API. Only a hash is stored; the token is shown
    once. It acts as the institution that was active when it was created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    def is_valid(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at and self.user.is_active
