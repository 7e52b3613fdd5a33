"""User administration pages (admin role): users, memberships, second-factor reset."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.core.forms import apply_validation_error, submit
from palermo.core.web import requires

from . import services
from .forms import MembershipForm, UserCreateForm, UserEditForm, UserSearchForm
from .models import User


@requires("user.manage")
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    users = User.objects.order_by("username")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    page = Paginator(users.prefetch_related("memberships__institution"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@requires("user.manage")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.user_create(
                    actor=request.user,  # type: ignore[arg-type]
                    username=data["username"],
                    password=data["password"],
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                services.memberships_set(
                    actor=request.user,  # type: ignore[arg-type]
                    user=user,
                    institution=data["institution"],
                    roles=data["roles"],
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The user was created."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request, "accounts/user_form.html", {"form": form}, status=400 if form.errors else 200
    )


@requires("user.manage")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    edit_form = UserEditForm(
        prefix="edit",
        initial={
            "first_name": subject.first_name,
            "last_name": subject.last_name,
            "email": subject.email,
            "is_active": subject.is_active,
        },
    )
    membership_form = MembershipForm(prefix="m")
    status = 200
    if request.method == "POST" and "edit-email" in request.POST:
        edit_form = UserEditForm(request.POST, prefix="edit")
        actor: User = request.user  # type: ignore[assignment]
        if submit(
            edit_form,
            lambda: services.user_update(actor=actor, user=subject, **edit_form.cleaned_data),
        ):
            messages.success(request, _("The user was saved."))
            return redirect("accounts:user_detail", pk=subject.pk)
        status = 400
    elif request.method == "POST" and "m-institution" in request.POST:
        membership_form = MembershipForm(request.POST, prefix="m")
        actor = request.user  # type: ignore[assignment]
        if (
            submit(
                membership_form,
                lambda: services.memberships_set(
                    actor=actor, user=subject, **membership_form.cleaned_data
                ),
            )
            is not None
        ):
            messages.success(request, _("The roles were saved."))
            return redirect("accounts:user_detail", pk=subject.pk)
        status = 400
    memberships: dict[str, dict[str, object]] = {}
    for m in subject.memberships.select_related("institution"):
        entry = memberships.setdefault(
            str(m.institution_id), {"institution": m.institution, "roles": []}
        )
        entry["roles"].append(m.get_role_display())  # type: ignore[attr-defined]
    from django_otp import user_has_device

    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": subject,
            "edit_form": edit_form,
            "membership_form": membership_form,
            "memberships": memberships.values(),
            "has_device": user_has_device(subject),
        },
        status=status,
    )


@require_POST
@requires("user.manage")
def user_reset_2fa(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    services.second_factor_reset(actor=request.user, user=subject)  # type: ignore[arg-type]
    messages.success(
        request, _("The second factor was removed; the user enrols again at next sign-in.")
    )
    return redirect("accounts:user_detail", pk=subject.pk)
