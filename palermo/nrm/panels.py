"""The NRM's contributions to other pages: the case panel and "action needed" items."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.core.access import can
from palermo.core.panels import ActionItem
from palermo.registry.models import Case

from .codes import DeadlineKind
from .forms import BestInterestsForm, TrackForm
from .selectors import case_panel, deadlines_for
from .services import allowed_transitions
from .services.common import holds


def case_nrm_panel(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]]:
    holder = holds(request.user, case)
    context = {
        **case_panel(case),
        "case": case,
        "transitions": allowed_transitions(request.user, case),
        "can_refer": holder and can(request.user, "referral.send") and case.state != "closed",
        "can_consent": holder and can(request.user, "consent.record"),
        "can_track": holder and can(request.user, "track.record"),
        "can_bid": holder and case.is_child and can(request.user, "child.bid.record"),
        "track_form": TrackForm(),
        "bid_form": BestInterestsForm(),
    }
    return "nrm/_case_panel.html", context


LABELS: dict[str, Any] = {
    DeadlineKind.REFERRAL_DUE: _("Refer case %(ref)s to the identifying authority"),
    DeadlineKind.REFLECTION_END: _(
        "Reflection period of case %(ref)s ends: decide on identification"
    ),
    DeadlineKind.NEEDS_ASSESSMENT_DUE: _("Needs assessment for case %(ref)s"),
    DeadlineKind.REFERRAL_RESPONSE_DUE: _("Answer the referral of case %(ref)s"),
}


def deadline_items(request: HttpRequest) -> list[ActionItem]:
    items = []
    for deadline in deadlines_for(request.user):
        url = (
            reverse("nrm:referral", args=[deadline.referral_id])
            if deadline.referral_id
            else reverse("registry:case", args=[deadline.case_id])
        )
        items.append(
            ActionItem(
                label=LABELS[deadline.kind] % {"ref": deadline.case.reference},
                url=url,
                due=deadline.due_at,
            )
        )
    return items
