"""NRM pages: transitions, referrals, consent, tracks, the coordinator's settings and oversight."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.core.access import can, principal_of
from palermo.core.forms import submit
from palermo.core.web import perform, requires
from palermo.registry.access import scope_for
from palermo.registry.models import Case

from . import services
from .access import visible_referrals
from .codes import ReferralState
from .forms import (
    BestInterestsForm,
    ConsentForm,
    ReasonForm,
    ReferralForm,
    SettingsForm,
    TrackForm,
    transition_form,
)
from .models import Consent, NrmSettings
from .selectors import oversight_deadlines
from .transitions import rule_for

READ = ("person.read", "metadata")


def _case(request: HttpRequest, pk: uuid.UUID) -> Case:
    case = scope_for(request.user).cases().filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _back(case: Case) -> HttpResponse:
    return redirect("registry:case", pk=case.pk)


def _panel_submit(
    request: HttpRequest, form: Any, call: Callable[[], object], done: str, invalid: str
) -> None:
    """Forms posted from the case page's NRM panel: the outcome comes back as a message."""
    if not form.is_valid():
        messages.error(request, invalid)
        return
    perform(request, call, done)


def _posted(request: HttpRequest) -> Any:
    """The submitted data on POST — even when empty (a transition without fields, a body sent
    with the CSRF token in a header) — so that the form is bound; None on GET."""
    return request.POST if request.method == "POST" else None


@requires(*READ)
def transition(request: HttpRequest, pk: uuid.UUID, to_state: str) -> HttpResponse:
    case = _case(request, pk)
    rule = rule_for(case.state, to_state, case.previous_state)
    if rule is None:
        raise Http404
    if not can(request.user, rule.action):
        raise PermissionDenied(rule.action)
    form = transition_form(rule.id, _posted(request))

    def apply() -> Case:
        data = {
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in form.cleaned_data.items()
        }
        return services.transition_apply(
            actor=request.user, case=case, to_state=to_state, data=data
        )

    if submit(form, apply) is not None:
        messages.success(request, _("Done: %(label)s.") % {"label": rule.label})
        return _back(case)
    return render(
        request,
        "nrm/transition.html",
        {"case": case, "rule": rule, "to_state": to_state, "form": form},
        status=400 if form.errors else 200,
    )


@requires("referral.send")
def referral_new(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _case(request, pk)
    institution_id = principal_of(request.user).institution_id
    form = ReferralForm(_posted(request), exclude_institution=institution_id)
    referral = submit(
        form, lambda: services.referral_send(actor=request.user, case=case, **form.cleaned_data)
    )
    if referral is not None:
        messages.success(request, _("The referral was sent."))
        return redirect("nrm:referral", pk=referral.pk)
    return render(
        request,
        "nrm/referral_new.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@requires("referral.list")
def referral_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request.user)
    qs = (
        visible_referrals(request.user)
        .select_related("case", "from_institution", "to_institution")
        .order_by("-created_at")
    )
    box = request.GET.get("box", "incoming")
    qs = (
        qs.filter(to_institution_id=principal.institution_id)
        if box == "incoming"
        else qs.filter(from_institution_id=principal.institution_id)
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "nrm/referral_list.html", {"page": page, "box": box})


@requires("referral.list")
def referral_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    referral = get_object_or_404(
        visible_referrals(request.user).select_related(
            "case", "from_institution", "to_institution", "created_by"
        ),
        pk=pk,
    )
    principal = principal_of(request.user)
    receiving = principal.institution_id == referral.to_institution_id
    sending = principal.institution_id == referral.from_institution_id
    can_open_case = scope_for(request.user).cases().filter(pk=referral.case_id).exists()
    return render(
        request,
        "nrm/referral_detail.html",
        {
            "referral": referral,
            "receiving": receiving,
            "sending": sending,
            "can_open_case": can_open_case,
            "can_respond": receiving
            and referral.state == ReferralState.SENT
            and can(request.user, "referral.respond"),
            "can_withdraw": sending
            and referral.state in (ReferralState.SENT, ReferralState.ACCEPTED)
            and can(request.user, "referral.withdraw"),
            "can_close": referral.state == ReferralState.ACCEPTED
            and can(request.user, "referral.close"),
            # One reason field per form on the page, each with its own id for its label.
            "decline_form": ReasonForm(auto_id="id_decline_%s"),
            "withdraw_form": ReasonForm(auto_id="id_withdraw_%s"),
            "end_form": ReasonForm(auto_id="id_end_%s"),
        },
    )


@require_POST
@requires("referral.list")
def referral_action(request: HttpRequest, pk: uuid.UUID, action: str) -> HttpResponse:
    referral = get_object_or_404(visible_referrals(request.user), pk=pk)
    reason = request.POST.get("reason", "")
    handlers = {
        "accept": lambda: services.referral_accept(actor=request.user, referral=referral),
        "decline": lambda: services.referral_decline(
            actor=request.user, referral=referral, reason=reason
        ),
        "withdraw": lambda: services.referral_withdraw(
            actor=request.user, referral=referral, reason=reason
        ),
        "complete": lambda: services.referral_complete(actor=request.user, referral=referral),
        "end": lambda: services.referral_end(actor=request.user, referral=referral, reason=reason),
    }
    if action not in handlers:
        raise Http404
    perform(request, handlers[action], _("The referral was updated."))
    return redirect("nrm:referral", pk=referral.pk)


@requires("consent.record")
def consent_new(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _case(request, pk)
    form = ConsentForm(_posted(request))
    if submit(
        form, lambda: services.consent_record(actor=request.user, case=case, **form.cleaned_data)
    ):
        messages.success(request, _("The consent was recorded."))
        return _back(case)
    return render(
        request,
        "nrm/consent_new.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@requires("consent.record")
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("case"), pk=pk)
    case = _case(request, consent.case_id)
    perform(
        request,
        lambda: services.consent_withdraw(actor=request.user, consent=consent),
        _("The consent was withdrawn; sharing based on it stopped."),
    )
    return _back(case)


@require_POST
@requires("track.record")
def track_new(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _case(request, pk)
    form = TrackForm(request.POST)
    _panel_submit(
        request,
        form,
        lambda: services.track_record(actor=request.user, case=case, **form.cleaned_data),
        _("The step was recorded."),
        _("Choose a track, a step and a date."),
    )
    return _back(case)


@require_POST
@requires("child.bid.record")
def best_interests_new(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _case(request, pk)
    form = BestInterestsForm(request.POST)
    _panel_submit(
        request,
        form,
        lambda: services.best_interests_record(actor=request.user, case=case, **form.cleaned_data),
        _("The best-interests determination was recorded."),
        _("Give the date and a summary."),
    )
    return _back(case)


@requires("nrm.settings")
def settings_page(request: HttpRequest) -> HttpResponse:
    row = NrmSettings.current()
    form = SettingsForm(_posted(request), instance=row)
    if submit(
        form,
        lambda: services.nrm_settings_update(actor=request.user, values=dict(form.cleaned_data)),
    ):
        messages.success(request, _("The deadlines were saved."))
        return redirect("nrm:settings")
    return render(request, "nrm/settings.html", {"form": form}, status=400 if form.errors else 200)


@requires("nrm.oversight")
def oversight(request: HttpRequest) -> HttpResponse:
    rows = oversight_deadlines()
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "nrm/oversight.html", {"page": page})
