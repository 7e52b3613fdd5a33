"""Second-factor helpers: the codes an authenticator app would show."""

from __future__ import annotations

import base64
import time

import pyotp
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_KEY = "palermo_pending_totp_key"  # a session key's name, not a secret


def b32_of(key_hex: str) -> str:
    return base64.b32encode(bytes.fromhex(key_hex)).decode()


def totp_code(key: TOTPDevice | str, *, offset_steps: int = 0) -> str:
    """The code an app holding ``key`` (a device or its hex key) shows now (± 30 s steps)."""
    key_hex = key.key if isinstance(key, TOTPDevice) else key
    return pyotp.TOTP(b32_of(key_hex)).at(time.time(), counter_offset=offset_steps)


def pending_key(client: Client) -> str:
    """The secret the setup page offered (kept in the session until it is confirmed)."""
    return str(client.session[PENDING_KEY])
