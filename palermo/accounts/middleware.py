"""Per-request identity: the session's idle timeout, which institution the user acts as, and
the second-factor gate."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

SESSION_INSTITUTION = "palermo_institution"
SESSION_REFRESHED = "palermo_refreshed"

# Paths an unverified user may still reach: finishing sign-in, leaving, choosing a language.
_OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/api/")


class SlidingSessionMiddleware:
    """Pushes an existing session's expiry forward (SESSION_COOKIE_AGE from now) when it was
    last written more than PALERMO_SESSION_REFRESH_SECONDS ago: the idle timeout slides with
    use, without a database write on every request. A session therefore ends between
    SESSION_COOKIE_AGE minus that interval and SESSION_COOKIE_AGE after the last request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None:  # a new visitor's empty session stays unsaved
            refreshed = session.get(SESSION_REFRESHED, 0)
            now = int(timezone.now().timestamp())
            # Loading an expired or unknown session (a stale cookie) forgets its key: then
            # there is nothing to push forward, and nothing to create.
            interval = settings.PALERMO_SESSION_REFRESH_SECONDS
            if session.session_key is not None and now - refreshed >= interval:
                session[SESSION_REFRESHED] = now  # modified: saved with a new expiry
        return self.get_response(request)


class PrincipalMiddleware:
    """Sets the institution the signed-in user acts as, from their session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            user.act_as(request.session.get(SESSION_INSTITUTION))
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """A signed-in user whose roles need a second factor sees nothing else until they have
    entered one (or enrolled one, the first time)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(_OPEN_PREFIXES)
            and user.needs_second_factor()
        ):
            allowed = {
                reverse("accounts:verify"),
                reverse("accounts:setup_2fa"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed:
                from django_otp import devices_for_user

                has_device = any(True for _d in devices_for_user(user))
                target = reverse("accounts:verify" if has_device else "accounts:setup_2fa")
                if request.headers.get("HX-Request") == "true":
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return HttpResponseRedirect(target)
        return self.get_response(request)
