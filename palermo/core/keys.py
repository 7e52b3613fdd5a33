"""Keyrings from settings: ``"id2:base64key,id1:base64key"`` — the first key is current.

Older keys stay in the ring so that data written with them can still be read (and
re-encrypted by the rotation command). Every key is 32 bytes of random material.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Keyring:
    name: str
    keys: tuple[tuple[str, bytes], ...]

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    @property
    def current(self) -> bytes:
        return self.keys[0][1]

    def get(self, key_id: str) -> bytes:
        for kid, material in self.keys:
            if kid == key_id:
                return material
        raise KeyError(f"{self.name}: no key with id {key_id!r} in the ring")


def parse_keyring(name: str, value: str) -> Keyring:
    keys: list[tuple[str, bytes]] = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        kid, sep, encoded = part.partition(":")
        if not sep or not kid:
            raise ImproperlyConfigured(f"{name}: each key must be written id:base64key")
        try:
            material = base64.b64decode(
                encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True
            )
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"{name}: key {kid!r} is not valid base64") from exc
        if len(material) < 32:
            raise ImproperlyConfigured(f"{name}: key {kid!r} must be at least 32 bytes")
        if any(existing == kid for existing, _m in keys):
            raise ImproperlyConfigured(f"{name}: key id {kid!r} appears twice")
        keys.append((kid, material))
    if not keys:
        raise ImproperlyConfigured(f"{name} is not set")
    return Keyring(name, tuple(keys))


@cache
def _ring(setting: str, value: str) -> Keyring:
    return parse_keyring(setting, value)


def keyring(setting: str) -> Keyring:
    """The keyring held in a setting (cached per value, so tests can override settings)."""
    return _ring(setting, getattr(settings, setting, ""))


def audit_keys() -> Keyring:
    return keyring("PALERMO_AUDIT_KEYS")


def field_keys() -> Keyring:
    return keyring("PALERMO_FIELD_KEYS")


def blind_index_keys() -> Keyring:
    return keyring("PALERMO_BLIND_INDEX_KEY")
