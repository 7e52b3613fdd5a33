from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from palermo.core.access import can
from palermo.core.forms import submit
from palermo.core.web import requires

from .access import visible_institutions
from .forms import InstitutionForm
from .services import institution_save


@requires("institution.list")
def institution_list(request: HttpRequest) -> HttpResponse:
    qs = (
        visible_institutions(request.user)
        .select_related("type", "parent")
        .prefetch_related("capabilities")
        .order_by("name")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/list.html",
        {"page": page, "can_manage": can(request.user, "institution.manage")},
    )


@requires("institution.manage")
def institution_create(request: HttpRequest) -> HttpResponse:
    form = InstitutionForm(request.POST or None)
    institution = submit(form, lambda: institution_save(actor=request.user, **form.cleaned_data))
    if institution is not None:
        messages.success(request, _("The institution was created."))
        return redirect("institutions:edit", pk=institution.pk)
    return render(
        request,
        "institutions/form.html",
        {"form": form, "institution": None},
        status=400 if form.errors else 200,
    )


@requires("institution.manage")
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(visible_institutions(request.user), pk=pk)
    initial = {
        "code": institution.code,
        "name": institution.name,
        "type": institution.type,
        "parent": institution.parent,
        "municipality": institution.municipality,
        "active": institution.active,
        "capabilities": sorted(institution.capability_codes()),
    }
    form = InstitutionForm(request.POST or None, initial=initial, instance=institution)
    saved = submit(
        form,
        lambda: institution_save(actor=request.user, institution=institution, **form.cleaned_data),
    )
    if saved is not None:
        messages.success(request, _("The institution was saved."))
        return redirect("institutions:list")
    return render(
        request,
        "institutions/form.html",
        {"form": form, "institution": institution},
        status=400 if form.errors else 200,
    )
