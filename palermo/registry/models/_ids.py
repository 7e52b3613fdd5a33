"""Opaque references: random, not sequential (sequential numbers leak national counts)."""

from __future__ import annotations

import secrets

# Crockford-style alphabet without look-alikes (no I, L, O, U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def random_reference(prefix: str, length: int = 8) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def new_pseudonym() -> str:
    return random_reference("P")


def new_case_reference() -> str:
    return random_reference("C")
