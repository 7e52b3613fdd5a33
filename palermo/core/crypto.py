"""Encryption at rest for the most sensitive values, and keyed blind indexes.

- ``encrypt``/``decrypt``: AES-256-GCM with the current key of ``PALERMO_FIELD_KEYS``; the
  stored token names its key (``kid$base64(nonce|ciphertext)``) so that older keys still
  decrypt and the rotation command can find what to re-encrypt.
- ``EncryptedTextField``: a model field that stores such tokens and gives plaintext to Python.
  Encrypted values cannot be searched, sorted or filtered in SQL — by design.
- ``blind_index``: HMAC-SHA-256 of a normalised value with ``PALERMO_BLIND_INDEX_KEY``; equal
  inputs give equal indexes, so an exact match (a document number) can be found without
  decrypting anything, while the index alone reveals nothing without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import models

from .keys import blind_index_keys, field_keys

SEPARATOR = "$"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted (wrong key, altered ciphertext)."""


def encrypt_bytes(data: bytes, *, aad: bytes = b"") -> bytes:
    ring = field_keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.current[:32]).encrypt(nonce, data, aad or None)
    return ring.current_id.encode() + SEPARATOR.encode() + nonce + sealed


def decrypt_bytes(blob: bytes, *, aad: bytes = b"") -> bytes:
    kid, sep, rest = blob.partition(SEPARATOR.encode())
    if not sep or len(rest) <= NONCE_BYTES:
        raise DecryptionError("not an encrypted value")
    try:
        key = field_keys().get(kid.decode())
        return AESGCM(key[:32]).decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], aad or None)
    except Exception as exc:
        raise DecryptionError(str(exc) or type(exc).__name__) from exc


def key_id_of(blob: bytes | str) -> str:
    raw = blob.encode() if isinstance(blob, str) else blob
    return raw.partition(SEPARATOR.encode())[0].decode()


def encrypt(text: str) -> str:
    ring = field_keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.current[:32]).encrypt(nonce, text.encode("utf-8"), None)
    return f"{ring.current_id}{SEPARATOR}{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    kid, sep, encoded = token.partition(SEPARATOR)
    if not sep:
        raise DecryptionError("not an encrypted value")
    try:
        raw = base64.urlsafe_b64decode(encoded)
        key = field_keys().get(kid)
        return AESGCM(key[:32]).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
    except Exception as exc:
        raise DecryptionError(str(exc) or type(exc).__name__) from exc


def normalise_identifier(value: str) -> str:
    """Document numbers as people type them: case, spaces, dashes and dots do not count."""
    return re.sub(r"[\s\-./]", "", value or "").upper()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed index of a normalised identifier; '' for an empty value."""
    normalised = normalise_identifier(value)
    if not normalised:
        return ""
    key = blind_index_keys().current
    return hmac.new(key, f"{purpose}:{normalised}".encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted at rest. Empty values are stored as ''. Not searchable in SQL."""

    description = "Text encrypted with AES-256-GCM"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return decrypt(value)

    def to_python(self, value: Any) -> str:
        if value is None:
            return ""
        return str(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return encrypt(str(value))
