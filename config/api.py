"""The JSON API at /api/v1/ (contract: docs/api.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from palermo.accounts.api import router as accounts_router
from palermo.accounts.api_auth import TokenAuth
from palermo.institutions.api import router as institutions_router

api = NinjaAPI(
    title="Palermo API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs_decorator=login_required,
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


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = (
        {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": [str(m) for m in exc.messages]}
    )
    return api.create_response(request, {"detail": errors}, status=422)


api.add_router("", accounts_router)
api.add_router("", institutions_router)
