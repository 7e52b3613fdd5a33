"""The coordinator's deduplication review: queue, side-by-side pair, merges and un-merges."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.core import audit
from palermo.core.web import perform, requires
from palermo.registry.linkage import IDENTITY_FIELDS

from . import services
from .models import Candidate, LinkageRun, Merge
from .selectors import comparison, queue

ACTION = "duplicate.review"


@requires(ACTION)
def queue_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(queue(), 50).get_page(request.GET.get("page"))
    runs = LinkageRun.objects.all()[:5]
    return render(
        request,
        "dedup/queue.html",
        {"page": page, "runs": runs, "bulk_minimum": services.BULK_MINIMUM},
    )


@requires(ACTION)
def candidate_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    candidate = get_object_or_404(
        Candidate.objects.select_related(
            "left__institution", "right__institution", "left__person", "right__person"
        ),
        pk=pk,
    )
    context = comparison(candidate)
    # The reviewer reads two identities (the fields needed to decide, nothing else): audited.
    audit.record_read(
        request.user,
        "registry.registration",
        [candidate.left_id, candidate.right_id],
        sections=list(IDENTITY_FIELDS),
    )
    return render(request, "dedup/candidate.html", {"candidate": candidate, **context})


@require_POST
@requires(ACTION)
def candidate_decide(request: HttpRequest, pk: uuid.UUID, decision: str) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=pk)
    if decision == "accept":
        perform(
            request,
            lambda: services.candidate_accept(actor=request.user, candidate=candidate),
            _("Merged: the two registrations now belong to one person."),
        )
    elif decision == "reject":
        perform(
            request,
            lambda: services.candidate_reject(actor=request.user, candidate=candidate),
            _("Marked as different persons."),
        )
    return redirect("dedup:queue")


@require_POST
@requires(ACTION)
def bulk_accept(request: HttpRequest) -> HttpResponse:
    try:
        minimum = float(request.POST.get("minimum", services.BULK_MINIMUM))
        merged = services.candidates_bulk_accept(actor=request.user, minimum=minimum)
    except (ValueError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("%(n)d pairs merged.") % {"n": merged})
    return redirect("dedup:queue")


@require_POST
@requires(ACTION)
def run_now(request: HttpRequest) -> HttpResponse:
    services.run_request(actor=request.user)
    messages.success(request, _("A linkage run was queued; the queue fills when it finishes."))
    return redirect("dedup:queue")


@requires(ACTION)
def merges_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        Merge.objects.select_related("survivor", "absorbed", "merged_by", "unmerged_by"), 50
    ).get_page(request.GET.get("page"))
    return render(request, "dedup/merges.html", {"page": page})


@require_POST
@requires(ACTION)
def unmerge(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    merge = get_object_or_404(Merge, pk=pk)
    perform(
        request,
        lambda: services.persons_unmerge(actor=request.user, merge=merge),
        _("The merge was undone: each record is back with its person."),
    )
    return redirect("dedup:merges")
