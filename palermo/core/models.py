"""Core data: the tamper-evident audit trail, break-glass grants and editable code lists."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove audit entries."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be updated")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEntry]:
        raise AppendOnlyError("audit entries are appended one by one through palermo.core.audit")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit entries cannot be updated")


class AuditEntry(models.Model):
    """One audited event. Holds ids, codes and field names, never personal values.

    ``entry_hash`` is an HMAC over the entry's content and ``prev_hash`` (the previous
    entry's hash), keyed with a secret from the environment: editing, deleting or inserting
    an entry breaks the chain, and the chain cannot be recomputed without the key.
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    institution_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    ids = models.JSONField(default=list, blank=True)
    fields = models.JSONField(default=list, blank=True)
    flagged = models.BooleanField(default=False, db_index=True)
    channel = models.CharField(max_length=8, default="web")
    key_id = models.CharField(max_length=32)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[AuditQuerySet] = AuditQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # palermo.core.audit appends with its own INSERT, chained to the head; nothing else
        # writes an entry.
        raise AppendOnlyError("audit entries are appended through palermo.core.audit only")

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditHead(models.Model):
    """A single row holding the chain's head. Appends lock it, which serialises them and
    lets ``audit_verify`` notice entries removed from the end of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    head_mac = models.CharField(max_length=100, default="")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class BreakGlassGrant(models.Model):
    """Emergency access to one record for a limited time, with a stated reason.

    Generic: the owning app names the record by type and id; its ``visible_<x>`` includes
    records with an active grant. Every grant is flagged for the auditor.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    institution_id = models.BigIntegerField()
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        indexes = [
            models.Index(fields=["user", "target_type", "expires_at"], name="breakglass_user_idx")
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"break-glass {self.target_type}:{self.target_id}"

    def is_active(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at


SCRIPTS = frozenset({"latn", "cyrl", "arab", "hans", "hant"})  # subtags naming a script


class CodeItem(models.Model):
    """An entry of an editable code list (institution types, indicators, service types…).

    The code is the stable value stored elsewhere; labels are per language, English first.
    Codes are never deleted, only deactivated, so that history keeps its meaning.
    """

    list_code = models.CharField(max_length=48, db_index=True)
    code = models.CharField(max_length=64)
    labels = models.JSONField(default=dict)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["list_code", "code"], name="codeitem_unique_code")
        ]
        ordering = ["list_code", "sort_order", "code"]

    def __str__(self) -> str:
        return self.label()

    def other_labels(self) -> list[tuple[str, str]]:
        """(language, label) for each language the instance offers besides English that
        this entry has a label in."""
        return [
            (code, self.labels[code])
            for code, _name in settings.LANGUAGES
            if code != "en" and self.labels.get(code)
        ]

    def label(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").lower()
        base, _dash, variant = language.partition("-")
        # A regional variant falls back to its language (pt-br to pt); a script does not
        # (sr-latn to sr would show Cyrillic to a reader of Latin): English instead.
        fallback = "" if variant in SCRIPTS else base
        return (
            self.labels.get(language)
            or (self.labels.get(fallback) if fallback else None)
            or self.labels.get("en")
            or self.code
        )


class Notification(models.Model):
    """An in-app message to one user: a short text and a link — never personal data, so that
    it can also go out by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    institution_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=48)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user")
        ]

    def __str__(self) -> str:
        return self.kind
