"""The coordinator sets the mechanism's deadlines."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can

from ..models import NrmSettings

LIMITS = {
    "referral_due_hours": (1, 720),
    "child_referral_due_hours": (1, 720),
    "reflection_min_days": (30, 365),  # CETS 197 Art. 13: at least 30 days
    "needs_assessment_days": (1, 365),
    "child_needs_assessment_days": (1, 365),
    "referral_response_hours": (1, 720),
    "child_referral_response_hours": (1, 720),
}


@transaction.atomic
def nrm_settings_update(*, actor: Any, values: dict[str, int], channel: str = "web") -> NrmSettings:
    ensure_can(actor, "nrm.settings")
    errors = {}
    for field, value in values.items():
        if field not in LIMITS:
            errors[field] = [_("Unknown setting.")]
            continue
        low, high = LIMITS[field]
        # bool is an int to Python; "True days" is not a number a coordinator gave.
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[field] = [
                _("Give a number between %(low)d and %(high)d.") % {"low": low, "high": high}
            ]
    if errors:
        raise ValidationError(errors)
    row = NrmSettings.current()
    changed = [f for f, v in values.items() if getattr(row, f) != v]
    for field in changed:
        setattr(row, field, values[field])
    row.updated_by, row.updated_at = actor, timezone.now()
    row.save()
    audit.record(actor, "nrm.settings_updated", row, fields=changed, channel=channel)
    return row
