"""Attachment download, break-glass requests, the coordinator's duplicate alerts."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.forms import apply_validation_error
from palermo.core.roles import Section
from palermo.core.services import break_glass_grant
from palermo.core.web import requires

from ..access import PERSON_TYPE
from ..forms import BreakGlassForm
from ..models import Attachment, Case, DuplicateAlert, Person
from ..services import attachment_read


@requires("person.read", Section.METADATA)
def attachment_download(
    request: HttpRequest, pk: uuid.UUID, attachment_id: uuid.UUID
) -> HttpResponse:
    attachment = Attachment.objects.filter(pk=attachment_id, case_id=pk).first()
    if attachment is None:
        raise Http404
    content = attachment_read(actor=request.user, attachment=attachment)
    response = HttpResponse(content, content_type=attachment.content_type)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[
        attachment.content_type
    ]
    # The stored name may carry a person's name: the download gets a neutral one.
    response["Content-Disposition"] = (
        f'attachment; filename="attachment-{attachment.pk}.{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires("person.break_glass")
def break_glass(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        person = Person.objects.filter(pseudonym=reference).first()
        if person is None:
            case = (
                Case.objects.filter(reference=reference, sealed=False)
                .select_related("person")
                .first()
            )
            person = case.person if case else None
        if person is None:
            audit.record(request.user, "breakglass.unknown_reference", flagged=True)
            form.add_error("reference", _("No record has this reference."))
        else:
            try:
                break_glass_grant(
                    actor=request.user,
                    action="person.break_glass",
                    target_type=PERSON_TYPE,
                    target_id=str(person.pk),
                    reason=form.cleaned_data["reason"],
                    hours=form.cleaned_data["hours"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.warning(
                    request,
                    _("Emergency access granted for %(h)d hours. The auditor will review it.")
                    % {"h": form.cleaned_data["hours"]},
                )
                return redirect("registry:person", pk=person.pk)
    return render(
        request, "registry/break_glass.html", {"form": form}, status=400 if form.errors else 200
    )


@requires("duplicate.review")
def duplicate_alerts(request: HttpRequest) -> HttpResponse:
    """The coordinator's "possible duplicate across institutions" items (metadata only)."""
    qs = DuplicateAlert.objects.select_related(
        "existing_person", "existing_institution", "searching_institution", "new_registration"
    ).order_by("status", "-created_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "registry/duplicates.html", {"page": page})
