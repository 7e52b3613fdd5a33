"""Production settings: PostgreSQL and every secret from the environment; refuses to start without them.

See docs/operations.md for the variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DB_CONN_MAX_AGE, PG_BINDING_OPTIONS, PG_SESSION_OPTIONS

REQUIRED = (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "DJANGO_ALLOWED_HOSTS",
    "PALERMO_AUDIT_KEYS",
    "PALERMO_FIELD_KEYS",
    "PALERMO_BLIND_INDEX_KEY",
)
_missing = [name for name in REQUIRED if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = [h.strip() for h in os.environ["DJANGO_ALLOWED_HOSTS"].split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
PALERMO_AUDIT_KEYS = os.environ["PALERMO_AUDIT_KEYS"]
PALERMO_FIELD_KEYS = os.environ["PALERMO_FIELD_KEYS"]
PALERMO_BLIND_INDEX_KEY = os.environ["PALERMO_BLIND_INDEX_KEY"]

DATABASES = {
    "default": dj_database_url.config(conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True)
}
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":
    # Short OLTP queries: JIT compilation costs more than it saves (0.4 s of a filtered
    # 1M-case list page), and parallel workers cost more than they share out among the
    # requests running at once (a list filtered by state 91 -> 30 ms; docs/benchmarks.md).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("options", PG_SESSION_OPTIONS)
    for name, value in PG_BINDING_OPTIONS.items():
        options.setdefault(name, value)

SECURE_SSL_REDIRECT = os.environ.get("PALERMO_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("PALERMO_MEDIA_ROOT", "/var/lib/palermo/media"))

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("PALERMO_SMTP_HOST", "localhost"),
            "port": int(os.environ.get("PALERMO_SMTP_PORT", "25")),
            "use_tls": os.environ.get("PALERMO_SMTP_TLS", "0") == "1",
            "username": os.environ.get("PALERMO_SMTP_USER") or None,
            "password": os.environ.get("PALERMO_SMTP_PASSWORD") or None,
        },
    }
}

PALERMO_DEMO_ALLOWED = False
