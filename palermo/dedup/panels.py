from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.core.access import principal_of
from palermo.core.panels import ActionItem

from .models import Candidate


def review_items(request: HttpRequest) -> list[ActionItem]:
    if not principal_of(request.user).can("duplicate.review"):
        return []
    count = Candidate.objects.filter(status=Candidate.Status.OPEN).count()
    if not count:
        return []
    return [
        ActionItem(
            label=_("%(n)d pairs of registrations to review for duplicates") % {"n": count},
            url=reverse("dedup:queue"),
        )
    ]


def person_history(request: HttpRequest, person: Any) -> tuple[str, dict[str, Any]] | None:
    """Merges and un-merges of this person, on its page (the person is already in scope)."""
    from django.db.models import Q

    from .models import Merge

    merges = list(
        Merge.objects.filter(Q(survivor=person) | Q(absorbed=person)).select_related(
            "survivor", "absorbed"
        )
    )
    if not merges:
        return None
    return "dedup/_person_history.html", {"merges": merges, "person": person}
