"""The project's URLs plus the benchmark's bare view (never part of production URLs)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from palermo.core.roles import Section
from palermo.core.web import requires


@requires("person.read", Section.METADATA)
def bare(request: HttpRequest) -> HttpResponse:
    """Decorated exactly like the case list, with no query of its own: what the middleware,
    session, authentication and policy check cost on their own."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]
