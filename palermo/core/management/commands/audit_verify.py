"""Verify the audit chain: exit 0 with the entry count and head hash, or 1 naming the break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from palermo.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the tamper-evident audit chain (prints the head hash for external anchoring)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"OK: {result.count} entries; head hash {result.head_hash}")
            return
        self.stderr.write(f"BROKEN at entry #{result.broken_seq}: {result.problem}")
        raise SystemExit(1)
