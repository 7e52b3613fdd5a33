from django.urls import include, path, re_path
from django.views.i18n import set_language

from palermo.core.views import healthz
from palermo.core.web import public

from .api import api, not_found

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<path>.*)$", public(not_found)),
    path("accounts/", include("palermo.accounts.urls")),
    path("institutions/", include("palermo.institutions.urls")),
    path("registry/", include("palermo.registry.urls")),
    path("nrm/", include("palermo.nrm.urls")),
    path("dedup/", include("palermo.dedup.urls")),
    path("", include("palermo.core.urls")),
]
