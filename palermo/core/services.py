"""Writes owned by core: break-glass grants and code-list entries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .access import ensure_can
from .models import BreakGlassGrant, CodeItem

BREAK_GLASS_DEFAULT_HOURS = 3
BREAK_GLASS_MAX_HOURS = 12
BREAK_GLASS_MIN_REASON = 15


@transaction.atomic
def break_glass_grant(
    *,
    actor: Any,
    action: str,
    target_type: str,
    target_id: str,
    reason: str,
    hours: int = BREAK_GLASS_DEFAULT_HOURS,
) -> BreakGlassGrant:
    """Grant ``actor`` emergency access to one record. ``action`` names the policy entry
    (e.g. ``person.break_glass``) that says which roles may break the glass."""
    principal = ensure_can(actor, action)
    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise ValidationError(
            {
                "reason": _("State the reason in at least %(n)d characters.")
                % {"n": BREAK_GLASS_MIN_REASON}
            }
        )
    if not 1 <= hours <= BREAK_GLASS_MAX_HOURS:
        raise ValidationError(
            {"hours": _("Choose between 1 and %(n)d hours.") % {"n": BREAK_GLASS_MAX_HOURS}}
        )
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=actor,
        institution_id=principal.institution_id or 0,
        target_type=target_type,
        target_id=str(target_id),
        reason=reason,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    audit.record(
        actor,
        "breakglass.granted",
        object_type=target_type,
        object_id=str(target_id),
        ids=[grant.pk],
        flagged=True,
    )
    return grant


@transaction.atomic
def break_glass_review(*, actor: Any, grant: BreakGlassGrant) -> BreakGlassGrant:
    """The auditor acknowledges a grant after looking at its reason and the reads it allowed."""
    ensure_can(actor, "breakglass.review")
    if grant.reviewed_at is None:
        grant.reviewed_at = timezone.now()
        grant.reviewed_by = actor
        grant.save(update_fields=["reviewed_at", "reviewed_by"])
        audit.record(actor, "breakglass.reviewed", grant)
    return grant


@transaction.atomic
def break_glass_revoke(*, actor: Any, grant: BreakGlassGrant) -> BreakGlassGrant:
    """End a grant early (its holder, or an auditor)."""
    if grant.user_id != getattr(actor, "pk", None):
        ensure_can(actor, "breakglass.review")
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit.record(actor, "breakglass.revoked", grant)
    return grant


@transaction.atomic
def code_item_save(
    *,
    actor: Any,
    list_code: str,
    code: str,
    labels: dict[str, str],
    active: bool = True,
    sort_order: int = 0,
    item: CodeItem | None = None,
) -> CodeItem:
    """Create or update an entry of an editable code list. Codes never change once made."""
    from .codelists import CODE_LISTS

    ensure_can(actor, "codelist.manage")
    if list_code not in CODE_LISTS:
        raise ValidationError({"list_code": _("Unknown code list.")})
    if not (labels.get("en") or "").strip():
        raise ValidationError({"label_en": _("The English label is required.")})
    clean_labels = {lang: text.strip() for lang, text in labels.items() if text and text.strip()}
    if item is None:
        code = (code or "").strip()
        if not code or not code.replace("_", "").isalnum() or code.lower() != code:
            raise ValidationError(
                {"code": _("Use lower-case letters, digits and underscores only.")}
            )
        if CodeItem.objects.filter(list_code=list_code, code=code).exists():
            raise ValidationError({"code": _("This code already exists in the list.")})
        item = CodeItem.objects.create(
            list_code=list_code,
            code=code,
            labels=clean_labels,
            active=active,
            sort_order=sort_order,
        )
        audit.record(actor, "codelist.created", item, fields=["code", "labels"])
        return item
    changed = [
        name
        for name, value in (
            ("labels", clean_labels),
            ("active", active),
            ("sort_order", sort_order),
        )
        if getattr(item, name) != value
    ]
    item.labels, item.active, item.sort_order = clean_labels, active, sort_order
    item.save()
    audit.record(actor, "codelist.updated", item, fields=changed)
    return item
