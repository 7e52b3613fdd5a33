"""Personal access tokens: issue, authenticate, revoke. Tokens are hashed at rest."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can

from .models import ApiToken, User

TOKEN_PREFIX = "plm"  # noqa: S105 — a public marker, not a secret


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_issue(
    *, actor: User | None, user: User, name: str, days: int, channel: str = "web"
) -> str:
    """Create a token for ``user`` acting as ``actor``'s active institution; return it once.

    Users issue their own tokens from their profile; operators use ``issue_token``."""
    max_days = int(getattr(settings, "PALERMO_API_TOKEN_MAX_DAYS", 365))
    if not 1 <= days <= max_days:
        raise ValidationError(
            {"days": _("A token lives between 1 and %(n)d days.") % {"n": max_days}}
        )
    name = (name or "").strip() or _("API token")
    principal = ensure_can(user, "token.manage_own")
    if principal.institution_id is None:
        raise ValidationError(_("The user has no active institution."))
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        institution_id=principal.institution_id,
        name=name[:100],
        prefix=prefix,
        token_hash=_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(actor, "token.issued", token, channel=channel)
    return secret


def token_authenticate(raw: str) -> ApiToken | None:
    """The valid token matching ``raw``, or None. Constant-time comparison of hashes."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user", "institution").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.token_hash, _hash(raw.strip())):
        return None
    if not token.is_valid() or not token.institution.active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:  # someone else's token: an admin's job
        ensure_can(actor, "user.manage")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoked", token)
    return token
