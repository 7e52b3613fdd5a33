"""Helpers for the thin web layer: every view declares who may reach it.

``@requires(action)`` checks the policy before the view runs; ``@login_only`` marks views any
signed-in user may open (their own profile); ``@public`` marks the few pages reachable
without signing in. A test walks every URL and fails on a view without a declaration.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from .access import ensure_can

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def requires(action: str, section: str = "") -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            ensure_can(request.user, action, section=section)
            return view(request, *args, **kwargs)

        wrapped.palermo_access = ("action", action, section)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def login_only[V: Callable[..., HttpResponseBase]](view: V) -> V:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.palermo_access = ("login",)  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def public[V: Callable[..., HttpResponseBase]](view: V) -> V:
    view.palermo_access = ("public",)  # type: ignore[attr-defined]
    return view


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def perform(request: HttpRequest, call: Callable[[], object], done: str) -> bool:
    """Run a service for a button without a form: its refusal (a ValidationError) becomes
    an error message, success the message ``done``. Returns whether it succeeded."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, done)
    return True


_MARKER = uuid.UUID(int=0)


def reverser(viewname: str) -> Callable[[uuid.UUID], str]:
    """``reverse(viewname, args=[pk])`` for the many records of one page: resolved once, then
    the primary key put in its place (a ``reverse`` per row cost a millisecond a page)."""
    head, marker, tail = reverse(viewname, args=[_MARKER]).partition(str(_MARKER))
    if not marker:
        raise ValueError(f"{viewname} does not take one UUID")
    return lambda pk: f"{head}{pk}{tail}"
