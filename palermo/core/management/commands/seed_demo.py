"""Load the synthetic demo data (deterministic and idempotent); refuses production settings."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from palermo.core.demo import DemoContext, resetters, seeders, write_logins

DEFAULT_SEED = 1


class Command(BaseCommand):
    help = "Load synthetic demo data: institutions, users of every role and, later, cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default 1)."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Remove the demo data first, then rebuild it."
        )
        parser.add_argument(
            "--logins",
            default=None,
            help="Where to write the demo logins CSV (default var/demo-logins.csv).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "PALERMO_DEMO_ALLOWED", False):
            raise CommandError(
                "seed_demo refuses to run here: these settings do not allow demo data "
                "(never load demo data into a production database)."
            )
        started = time.monotonic()
        import random

        ctx = DemoContext(seed=options["seed"], rng=random.Random(options["seed"]))
        with transaction.atomic():
            if options["reset"]:
                for reset in resetters():
                    reset()
            for seed in seeders():
                seed(ctx)
        path = options["logins"] or (settings.VAR_DIR / "demo-logins.csv")
        from pathlib import Path

        write_logins(Path(path), ctx.logins)
        self._print_logins(ctx)
        self.stdout.write(
            f"Demo data ready (seed {ctx.seed}) in {time.monotonic() - started:.1f} s; "
            f"logins written to {path}"
        )

    def _print_logins(self, ctx: DemoContext) -> None:
        width = max((len(login.username) for login in ctx.logins), default=8)
        self.stdout.write("")
        self.stdout.write(
            f"{'username':<{width}}  {'password':<22}  {'role':<16}  {'TOTP secret':<32}  institution"
        )
        for login in ctx.logins:
            self.stdout.write(
                f"{login.username:<{width}}  {login.password:<22}  {login.role:<16}  "
                f"{login.totp_secret:<32}  {login.institution}"
            )
        for note in ctx.notes:
            self.stdout.write(note)
        self.stdout.write("")
