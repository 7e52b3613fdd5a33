"""Attachments: scanned forms and decisions, encrypted at rest, served only after checks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.core.crypto import EncryptedTextField

from ..codes import AttachmentKind
from .cases import Case


class Attachment(models.Model):
    """A file on a case. The content is encrypted on disk under a random name; the original
    file name (which may carry a person's name) is encrypted in the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    section = models.CharField(_("section"), max_length=16)
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=32)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"
