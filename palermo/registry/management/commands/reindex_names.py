"""Rebuild the name search keys of every registration (after ``palermo.names`` changes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from palermo.names import SEARCH_KEYS_VERSION
from palermo.registry.models import Registration
from palermo.registry.services.register import index_names

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Rebuild the search keys of every registration's names with this version of "
        "palermo.names (run after an upgrade that changes SEARCH_KEYS_VERSION)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = 0
        ids = list(Registration.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                for registration in Registration.objects.filter(pk__in=ids[start : start + BATCH]):
                    index_names(registration)
                    done += 1
        self.stdout.write(
            f"Rebuilt name keys of {done} registrations (keys version {SEARCH_KEYS_VERSION})."
        )
