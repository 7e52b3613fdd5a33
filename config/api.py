"""The JSON API at /api/v1/ (contract: docs/api.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError

from palermo.accounts.api import router as accounts_router
from palermo.accounts.api_auth import TokenAuth
from palermo.institutions.api import router as institutions_router
from palermo.nrm.api import router as nrm_router
from palermo.registry.api import router as registry_router


def staff_docs(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema is not personal data, but it is for staff who finished signing in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or (
            user.needs_second_factor() and not user.is_verified()  # type: ignore[attr-defined]
        ):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Palermo API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs_decorator=staff_docs,
    description="Personal access tokens: `Authorization: Bearer <token>`. See docs/api.md.",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": "You may not do this with your current role."}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "A valid token is required (Authorization: Bearer <token>)."},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """A body that is not JSON is malformed input like any other: 422, as docs/api.md says."""
    if exc.status_code == 400:
        return api.create_response(
            request, {"detail": {"body": ["The body is not valid JSON."]}}, status=422
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = (
        {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": [str(m) for m in exc.messages]}
    )
    return api.create_response(request, {"detail": errors}, status=422)


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Unknown API paths answer JSON, like every other API error."""
    from django.http import JsonResponse

    return JsonResponse({"detail": "Not Found"}, status=404)


api.add_router("", accounts_router)
api.add_router("", institutions_router)
api.add_router("", registry_router)
api.add_router("", nrm_router)
