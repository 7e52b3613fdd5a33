"""Writes on users, memberships and second factors. Every one is audited."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.core.roles import Role
from palermo.institutions.models import Institution

from .models import Membership, User

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    channel: str = "web",
) -> User:
    if actor is not None:
        ensure_can(actor, "user.manage")
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    try:
        # save() does not run the model's validators: without this, any characters pass.
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit.record(actor, "user.created", user, fields=["username", "email", "name"], channel=channel)
    return user


@transaction.atomic
def user_update(
    *, actor: User, user: User, email: str, first_name: str, last_name: str, is_active: bool
) -> User:
    ensure_can(actor, "user.manage")
    if user.pk == actor.pk and not is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    changed = [
        name
        for name, value in (
            ("email", email),
            ("first_name", first_name),
            ("last_name", last_name),
            ("is_active", is_active),
        )
        if getattr(user, name) != value
    ]
    user.email, user.first_name, user.last_name, user.is_active = (
        email,
        first_name,
        last_name,
        is_active,
    )
    user.save(update_fields=["email", "first_name", "last_name", "is_active"])
    audit.record(actor, "user.updated", user, fields=changed)
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    if actor.pk != user.pk:
        ensure_can(actor, "user.manage")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor, "user.password_set", user)
    return user


@transaction.atomic
def memberships_set(
    *,
    actor: User | None,
    user: User,
    institution: Institution,
    roles: Iterable[str],
    channel: str = "web",
) -> list[Membership]:
    """Make ``roles`` exactly the roles ``user`` holds in ``institution``."""
    if actor is not None:
        ensure_can(actor, "user.manage")
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown role: %(r)s") % {"r": ", ".join(sorted(unknown))}}
        )
    if wanted and not institution.active:
        raise ValidationError({"institution": _("This institution is inactive.")})
    current = {m.role: m for m in user.memberships.filter(institution=institution)}
    removed = set(current) - wanted
    added = wanted - set(current)
    if (
        actor is not None
        and actor.pk == user.pk
        and Role.ADMIN in removed
        and not user.memberships.filter(role=Role.ADMIN, institution__active=True)
        .exclude(institution=institution)
        .exists()
    ):
        raise ValidationError({"roles": _("You cannot remove your own last administrator role.")})
    Membership.objects.filter(user=user, institution=institution, role__in=removed).delete()
    for role in sorted(added):
        Membership.objects.create(user=user, institution=institution, role=role)
    if added or removed:
        audit.record(
            actor,
            "membership.changed",
            user,
            ids=[institution.pk],
            fields=[f"+{r}" for r in sorted(added)] + [f"-{r}" for r in sorted(removed)],
            channel=channel,
        )
    if user.last_institution_id is None and wanted:
        user.last_institution = institution
        user.save(update_fields=["last_institution"])
    return list(user.memberships.filter(institution=institution))


@transaction.atomic
def institution_switch(*, actor: User, institution_id: int) -> User:
    """Act as another of one's institutions from now on."""
    if institution_id not in actor.memberships_by_institution():
        raise ValidationError({"institution": _("You are not a member of this institution.")})
    actor.last_institution_id = institution_id
    actor.save(update_fields=["last_institution"])
    actor.act_as(institution_id)
    audit.record(actor, "institution.switched", ids=[institution_id], institution_id=institution_id)
    return actor


def new_totp_key() -> str:
    """A fresh TOTP secret (hex, as django-otp stores it): shown once as a QR code."""
    return secrets.token_hex(20)


@transaction.atomic
def second_factor_enrol(*, actor: User, key_hex: str, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm a TOTP secret with a code from the app; return the device and recovery codes."""
    device = TOTPDevice(user=actor, name=_("Authenticator app"), key=key_hex, confirmed=False)
    if not device.verify_token((token or "").replace(" ", "")):
        raise ValidationError({"otp_token": _("That code is not valid. Check your phone's clock.")})
    TOTPDevice.objects.filter(user=actor).delete()
    device.confirmed = True
    device.save()
    codes = recovery_codes_regenerate(actor=actor, _audit=False)
    audit.record(actor, "2fa.enrolled", actor)
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, actor: User, _audit: bool = True) -> list[str]:
    """Replace the user's recovery codes (each usable once) and return them to show once."""
    StaticDevice.objects.filter(user=actor).delete()
    device = StaticDevice.objects.create(user=actor, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    if _audit:
        audit.record(actor, "2fa.recovery_codes_regenerated", actor)
    return codes


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> None:
    """An admin removes a user's second factor (lost phone); they enrol again at next login."""
    ensure_can(actor, "user.manage")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(actor, "2fa.reset", user)


def record_login(
    user: Any, *, success: bool, step: str, channel: str = "web", attempted: str = ""
) -> None:
    """Audit a login step (password or second factor). Never records what was typed: a failed
    password names the account it targeted by id (when one exists), so that the auditor sees
    attacks on an account."""
    action = f"auth.{step}.{'ok' if success else 'failed'}"
    if user is None and attempted:
        target = User.objects.filter(username__iexact=attempted).only("pk").first()
        audit.record(None, action, target, channel=channel)
        return
    audit.record(user, action, user if user is not None and user.pk else None, channel=channel)
