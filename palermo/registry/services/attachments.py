"""Attachments: type-checked, size-limited, encrypted on disk, read only within scope."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.core.crypto import decrypt_bytes, encrypt_bytes, key_id_of
from palermo.core.roles import Section

from ..codes import AttachmentKind
from ..models import Attachment, Case

# Content types recognised from the file's first bytes — the name and the browser's claim
# are not trusted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_SECTIONS = (
    Section.IDENTITY,
    Section.HEALTH,
    Section.STORY,
    Section.ASSISTANCE,
    Section.JUSTICE,
)


def max_bytes() -> int:
    return int(getattr(settings, "PALERMO_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "attachments"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def _sections_for(actor: Any, case: Case) -> frozenset[str]:
    from ..access import scope_for

    return scope_for(actor).case_sections(case)


@transaction.atomic
def attachment_upload(
    *,
    actor: Any,
    case: Case,
    section: str,
    kind: str,
    filename: str,
    content: bytes,
    channel: str = "web",
) -> Attachment:
    ensure_can(actor, "attachment.upload", case)
    if section not in ATTACHMENT_SECTIONS:
        raise ValidationError({"section": _("Choose a section.")})
    if section not in _sections_for(actor, case):
        raise ValidationError({"section": _("You cannot add files to this section.")})
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Choose a kind of document.")})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > max_bytes():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": max_bytes() // (1024 * 1024)}}
        )
    content_type = sniff(content[:16])
    if content_type is None:
        raise ValidationError({"file": _("Only PDF, PNG and JPEG files are accepted.")})
    storage_name = secrets.token_hex(24)
    attachment = Attachment(
        case=case,
        section=section,
        kind=kind,
        filename=Path(filename or "document").name[:200],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_name=storage_name,
        uploaded_by=actor,
    )
    blob = encrypt_bytes(content, aad=storage_name.encode())
    attachment.key_id = key_id_of(blob)
    path = storage_dir() / storage_name
    path.write_bytes(blob)
    try:
        attachment.save(force_insert=True)
        audit.record(
            actor,
            "attachment.uploaded",
            attachment,
            ids=[case.pk],
            fields=[section, kind],
            channel=channel,
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return attachment


def attachment_read(*, actor: Any, attachment: Attachment, channel: str = "web") -> bytes:
    """The decrypted content, if the actor may read the attachment's section of its case."""
    from ..access import visible_cases

    case = visible_cases(actor).filter(pk=attachment.case_id).first()
    if case is None or attachment.section not in _sections_for(actor, case):
        raise Http404
    blob = (storage_dir() / attachment.storage_name).read_bytes()
    content = decrypt_bytes(blob, aad=attachment.storage_name.encode())
    if hashlib.sha256(content).hexdigest() != attachment.sha256:
        raise Http404
    audit.record_read(
        actor,
        "registry.attachment",
        [attachment.pk],
        sections=[attachment.section],
        channel=channel,
    )
    return content


def rotate_attachment_keys(*, check: bool) -> int:
    """Re-encrypt attachment files written with an older key (``rotate_field_keys``)."""
    from palermo.core.keys import field_keys

    current = field_keys().current_id
    stale = Attachment.objects.exclude(key_id=current)
    count = 0
    for attachment in stale.iterator():
        count += 1
        if check:
            continue
        path = storage_dir() / attachment.storage_name
        content = decrypt_bytes(path.read_bytes(), aad=attachment.storage_name.encode())
        blob = encrypt_bytes(content, aad=attachment.storage_name.encode())
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(blob)
        tmp.replace(path)
        Attachment.objects.filter(pk=attachment.pk).update(key_id=key_id_of(blob))
    return count
