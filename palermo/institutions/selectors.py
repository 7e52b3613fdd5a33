"""Reads of institutions shared by other apps' pages."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Institution

CHOICES_KEY = "institutions:active-choices"
# A list filter's choices may lag an institution created or renamed in another process by
# this long; in the same process they are forgotten at once (``_forget_choices``).
CHOICES_TTL = 60


def active_choices() -> tuple[tuple[int, str], ...]:
    """(id, name) of every active institution, by name: the institution filter of lists.
    Asked of the database at most every CHOICES_TTL seconds (it was a query on every list
    page) and kept in the process's cache."""
    choices: tuple[tuple[int, str], ...] | None = cache.get(CHOICES_KEY)
    if choices is None:
        choices = tuple(
            Institution.objects.filter(active=True).order_by("name").values_list("pk", "name")
        )
        cache.set(CHOICES_KEY, choices, CHOICES_TTL)
    return choices


@receiver(post_save, sender=Institution)
@receiver(post_delete, sender=Institution)
def _forget_choices(**kwargs: Any) -> None:
    """Forget the choices now, and again once the change is committed: a list read in
    between (another thread, the old row) would otherwise keep them for CHOICES_TTL."""
    cache.delete(CHOICES_KEY)
    transaction.on_commit(lambda: cache.delete(CHOICES_KEY))
