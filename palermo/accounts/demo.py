"""Demo users: at least one for every role, with the second factor already enrolled."""

from __future__ import annotations

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.core.demo import DemoContext, DemoLogin
from palermo.core.roles import Role as R

from .models import User
from .services import memberships_set, user_create

# username, first name, last name, [(institution code, [roles])]
DEMO_USERS: list[tuple[str, str, str, list[tuple[str, list[str]]]]] = [
    ("admin", "Arben", "Krasniqi", [("nac", [R.ADMIN])]),
    ("auditor", "Drita", "Berisha", [("nac", [R.AUDITOR])]),
    ("coordinator", "Valbona", "Gashi", [("nac", [R.COORDINATOR])]),
    ("dedup.reviewer", "Milica", "Jovanović", [("nac", [R.COORDINATOR])]),
    ("analyst", "Besnik", "Hoxha", [("nac", [R.ANALYST])]),
    ("trainer", "Teuta", "Morina", [("nac", [R.TRAINER])]),
    ("investigator", "Fatmir", "Shala", [("police-thb", [R.INVESTIGATOR])]),
    ("police.supervisor", "Agron", "Bytyqi", [("police-thb", [R.SUPERVISOR])]),
    (
        "registrar.prizren",
        "Luan",
        "Rexhepi",
        [("police-thb-prizren", [R.REGISTRAR, R.INVESTIGATOR])],
    ),
    ("registrar.peja", "Nikola", "Petrović", [("police-thb-peja", [R.REGISTRAR])]),
    ("advocate", "Shqipe", "Kelmendi", [("vaao", [R.VICTIM_ADVOCATE])]),
    ("vaao.supervisor", "Lirije", "Dervishi", [("vaao", [R.SUPERVISOR])]),
    ("caseworker.prishtina", "Arta", "Rama", [("csw-prishtina", [R.CASE_WORKER, R.REGISTRAR])]),
    ("csw.supervisor", "Ilir", "Maloku", [("csw-prishtina", [R.SUPERVISOR])]),
    ("caseworker.prizren", "Jelena", "Stojanović", [("csw-prizren", [R.CASE_WORKER, R.REGISTRAR])]),
    ("shelter.worker", "Mimoza", "Zeqiri", [("state-shelter", [R.CASE_WORKER])]),
    ("shelter.supervisor", "Blerta", "Haliti", [("state-shelter", [R.SUPERVISOR])]),
    ("ngo.worker", "Edona", "Sadiku", [("ngo-shelter-a", [R.CASE_WORKER, R.REGISTRAR])]),
    ("ngo.registrar", "Ardita", "Musliu", [("ngo-shelter-b", [R.REGISTRAR, R.CASE_WORKER])]),
    ("inspector", "Driton", "Ahmeti", [("labour-inspectorate", [R.REGISTRAR])]),
    ("intl.analyst", "Claire", "Martin", [("intl-partner", [R.ANALYST, R.TRAINER])]),
    # Works for two institutions and switches between them.
    (
        "multi.worker",
        "Vesa",
        "Bajrami",
        [("csw-prizren", [R.CASE_WORKER]), ("ngo-shelter-a", [R.CASE_WORKER])],
    ),
]

_WORDS = ["drini", "sharri", "rugova", "nerodime", "bistrica", "lumbardh", "mirusha", "batllava"]


def demo_password(ctx: DemoContext, username: str) -> str:
    raw = ctx.derive("password", username, length=4)
    word = _WORDS[raw[0] % len(_WORDS)]
    return f"Demo-{word.capitalize()}-{int.from_bytes(raw[1:], 'big') % 100000:05d}"


def demo_totp_hex(ctx: DemoContext, username: str) -> str:
    return ctx.derive("totp", username, length=20).hex()


def b32(key_hex: str) -> str:
    return base64.b32encode(bytes.fromhex(key_hex)).decode()


def seed_users(ctx: DemoContext) -> None:
    for username, first, last, memberships in DEMO_USERS:
        password = demo_password(ctx, username)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=password,
                email=f"{username}@demo.invalid",
                first_name=first,
                last_name=last,
                channel="cli",
            )
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        for code, roles in memberships:
            memberships_set(
                actor=None,
                user=user,
                institution=ctx.institutions[code],
                roles=[str(r) for r in roles],
                channel="cli",
            )
        key_hex = demo_totp_hex(ctx, username)
        TOTPDevice.objects.filter(user=user).exclude(key=key_hex).delete()
        TOTPDevice.objects.get_or_create(
            user=user, key=key_hex, defaults={"name": "Demo authenticator", "confirmed": True}
        )
        ctx.users[username] = user
        for code, roles in memberships:
            for role in roles:
                ctx.logins.append(
                    DemoLogin(
                        username=username,
                        password=password,
                        role=str(role),
                        institution=ctx.institutions[code].name,
                        totp_secret=b32(key_hex),
                    )
                )
    ctx.notes.append(
        "Second factor: add the TOTP secret to an authenticator app, or compute a code with "
        "`python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"`."
    )


def reset_users() -> None:
    usernames = [row[0] for row in DEMO_USERS]
    users = User.objects.filter(username__in=usernames)
    TOTPDevice.objects.filter(user__in=users).delete()
    from django_otp.plugins.otp_static.models import StaticDevice

    from palermo.core.models import BreakGlassGrant

    StaticDevice.objects.filter(user__in=users).delete()
    BreakGlassGrant.objects.filter(user__in=users).delete()
    BreakGlassGrant.objects.filter(reviewed_by__in=users).update(reviewed_by=None)
    users.delete()
