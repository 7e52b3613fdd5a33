"""Sign-in with a second factor, the user's own profile and the institution switcher."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.core.forms import apply_validation_error
from palermo.core.web import login_only, public
from palermo.institutions.models import Institution

from . import services, tokens
from .forms import EnrolForm, LoginForm, OTPForm, PasswordChangeForm, TokenForm
from .middleware import SESSION_INSTITUTION
from .models import ApiToken, User

SESSION_PENDING_KEY = "palermo_pending_totp_key"


def _next_url(request: HttpRequest, default: str = "core:dashboard") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    from django.urls import reverse

    return reverse(default)


@public
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            services.record_login(
                None, success=False, step="locked", attempted=form.cleaned_data["username"]
            )
            return render(request, "accounts/locked_out.html", status=429)
        if user is None:
            services.record_login(
                None, success=False, step="password", attempted=form.cleaned_data["username"]
            )
            form.add_error(None, _("The username or password is wrong."))
        else:
            auth_login(request, user)
            request.session[SESSION_INSTITUTION] = user.last_institution_id
            services.record_login(user, success=True, step="password")
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@login_only
def verify_view(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: a code from the authenticator app or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    if not user_has_device(user):
        return redirect("accounts:setup_2fa")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["otp_token"].replace(" ", ""))
        if device is None:
            services.record_login(user, success=False, step="second_factor")
            form.add_error("otp_token", _("That code is not valid. Try the current one."))
        else:
            otp_login(request, device)
            services.record_login(user, success=True, step="second_factor")
            if device.__class__.__name__ == "StaticDevice":
                left = device.token_set.count()
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(n)d are left. Generate new ones in your profile."
                    )
                    % {"n": left},
                )
            return redirect(_next_url(request))
    return render(
        request, "accounts/verify.html", {"form": form}, status=400 if form.errors else 200
    )


@login_only
def setup_2fa_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with a code, keep recovery codes."""
    user: User = request.user  # type: ignore[assignment]
    if user_has_device(user, confirmed=True) and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:verify")
    key = request.session.get(SESSION_PENDING_KEY)
    if not key or request.method == "GET":
        key = services.new_totp_key()
        request.session[SESSION_PENDING_KEY] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.second_factor_enrol(
                actor=user, key_hex=key, token=form.cleaned_data["otp_token"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            del request.session[SESSION_PENDING_KEY]
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "fresh": True})
    probe = TOTPDevice(user=user, key=key, name="")
    qr = segno.make(probe.config_url, error="m")
    return render(
        request,
        "accounts/setup_2fa.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff"),
            "secret_b32": _b32(key),
        },
        status=400 if form.errors else 200,
    )


def _b32(key_hex: str) -> str:
    import base64

    raw = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@require_POST
@login_only
def logout_view(request: HttpRequest) -> HttpResponse:
    services.record_login(request.user, success=True, step="logout")
    auth_logout(request)
    return redirect("accounts:login")


@require_POST
@login_only
def switch_institution(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        institution_id = int(request.POST.get("institution", ""))
        services.institution_switch(actor=user, institution_id=institution_id)
    except (ValueError, ValidationError):
        messages.error(request, _("You are not a member of that institution."))
    else:
        request.session[SESSION_INSTITUTION] = institution_id
        name = Institution.objects.get(pk=institution_id).name
        messages.success(request, _("You are now acting as %(name)s.") % {"name": name})
    return redirect(_next_url(request))


@login_only
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token_form = TokenForm(prefix="token")
    password_form = PasswordChangeForm(prefix="pw")
    new_token = None
    status = 200
    if request.method == "POST" and "token-name" in request.POST:
        token_form = TokenForm(request.POST, prefix="token")
        if token_form.is_valid():
            try:
                new_token = tokens.token_issue(
                    actor=user,
                    user=user,
                    name=token_form.cleaned_data["name"],
                    days=token_form.cleaned_data["days"],
                )
            except ValidationError as exc:
                apply_validation_error(token_form, exc)
        status = 400 if token_form.errors else 200
    elif request.method == "POST" and "pw-new_password" in request.POST:
        password_form = PasswordChangeForm(request.POST, prefix="pw")
        if password_form.is_valid():
            if not user.check_password(password_form.cleaned_data["current_password"]):
                password_form.add_error("current_password", _("This is not your current password."))
            else:
                try:
                    services.user_set_password(
                        actor=user, user=user, password=password_form.cleaned_data["new_password"]
                    )
                except ValidationError as exc:
                    # The service names its argument ``password``; the form's field is
                    # ``new_password``: the rules must show next to the field they concern.
                    password_form.add_error("new_password", exc.messages)
                else:
                    from django.contrib.auth import update_session_auth_hash

                    update_session_auth_hash(request, user)
                    messages.success(request, _("Your password was changed."))
                    return redirect("accounts:profile")
        status = 400 if password_form.errors else 200
    context = {
        "memberships": user.memberships.select_related("institution").order_by(
            "institution__name", "role"
        ),
        "api_tokens": user.api_tokens.select_related("institution"),
        "token_form": token_form,
        "password_form": password_form,
        "new_token": new_token,
        "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    return render(request, "accounts/profile.html", context, status=status)


@require_POST
@login_only
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


@require_POST
@login_only
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:verify")
    codes = services.recovery_codes_regenerate(actor=user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "fresh": False})
