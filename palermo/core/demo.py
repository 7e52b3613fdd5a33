"""The demo-data framework behind ``manage.py seed_demo``.

Each app contributes seeders through its AppConfig (``demo_seeders``: callables taking a
``DemoContext``), run in INSTALLED_APPS order; ``--reset`` runs their ``demo_resetters`` in
reverse order first. Everything derives from one seed, so a seed always gives the same data.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    institution: str
    totp_secret: str


@dataclass
class DemoContext:
    seed: int
    rng: random.Random
    institutions: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def derive(self, *parts: object, length: int = 20) -> bytes:
        """Deterministic bytes for this seed and purpose (passwords, TOTP keys…)."""
        digest = hashlib.sha256(":".join([str(self.seed), *map(str, parts)]).encode()).digest()
        return digest[:length]

    def child_rng(self, name: str) -> random.Random:
        """A random generator of its own per app, so one app's data does not shift another's."""
        return random.Random(int.from_bytes(self.derive("rng", name, length=8), "big"))


Seeder = Callable[[DemoContext], None]


def seeders() -> list[Seeder]:
    found: list[Seeder] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "demo_seeders", ()))
    return found


def resetters() -> list[Callable[[], None]]:
    found: list[Callable[[], None]] = []
    for config in apps.get_app_configs():
        found.extend(getattr(config, "demo_resetters", ()))
    return list(reversed(found))


CSV_HEADER = ["username", "password", "role", "institution", "totp_secret"]


def write_logins(path: Path, logins: list[DemoLogin]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for login in logins:
            writer.writerow(
                [login.username, login.password, login.role, login.institution, login.totp_secret]
            )
    path.chmod(0o600)
