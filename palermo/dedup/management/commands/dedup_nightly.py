"""Queue the nightly linkage run (cron: `manage.py dedup_nightly`; `--now` runs it here)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from palermo.dedup.models import LinkageRun
from palermo.dedup.services import run_request
from palermo.dedup.tasks import run_linkage


class Command(BaseCommand):
    help = "Queue a deduplication run over all registrations (or run it now with --now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Run in this process instead of queueing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            run = LinkageRun.objects.create()
            created = run_linkage.call(run.pk)
            run.refresh_from_db()
            self.stdout.write(
                f"{run.status}: {run.registrations} registrations, {run.pairs} pairs, "
                f"{created} new candidates in {run.seconds:.1f} s"
            )
            return
        with transaction.atomic():
            run = run_request(actor=None)
        self.stdout.write(f"queued run {run.pk}")
