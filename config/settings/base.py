"""Settings shared by every environment. Environment-specific modules import this one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("PALERMO_VAR_DIR", BASE_DIR / "var"))

# Options of every PostgreSQL session (production, the benchmark): short OLTP queries, many
# at once; JIT compilation and parallel workers cost more than they save
# (docs/benchmarks.md). Defined here so that both read the one value.
PG_SESSION_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0"
# How psycopg talks to PostgreSQL (production, the benchmark, the tests on PostgreSQL):
# values bound by the server, not written into the statement's text, and a statement a
# connection has run PG_PREPARE_THRESHOLD times prepared, so that the server no longer
# parses it each time and plans it once where its plan does not depend on the values
# (every request runs the same few dozen statements; a case list 10.9 -> 9.3 ms,
# docs/benchmarks.md). Not behind a pooler in transaction mode (PgBouncer's prepared
# statements would need its own setting).
PG_PREPARE_THRESHOLD = 5
PG_BINDING_OPTIONS = {"server_side_binding": True, "prepare_threshold": PG_PREPARE_THRESHOLD}
# How long a worker keeps its database connection (production, the benchmark). A new
# connection starts cold: a PostgreSQL backend loads its catalogue caches and prepares its
# statements again, SQLite's connection its page cache; the first case list after one took
# 22 ms and the next five 11 against 7.5 warm (PostgreSQL at 1M); reconnecting every sixty
# seconds, about a twentieth of a worker's list requests at the benchmark's rate. A broken
# connection is found by the health check at the start of the next request either way.
DB_CONN_MAX_AGE = 600

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "ninja",
    "palermo.core",
    "palermo.institutions",
    "palermo.accounts",
    "palermo.registry",
    "palermo.nrm",
    "palermo.dedup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "palermo.accounts.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "palermo.accounts.middleware.PrincipalMiddleware",
    "palermo.accounts.middleware.RequireSecondFactorMiddleware",
    "palermo.core.middleware.NoCacheForAuthenticatedMiddleware",
    # django-axes must be last: it turns lockouts raised below into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "palermo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palermo.core.context_processors.instance",
                "palermo.accounts.context_processors.principal",
            ],
        },
    },
]

FORM_RENDERER = "palermo.core.forms.PalermoFormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 idle minutes: a request pushes the expiry forward, writing the
# session at most once a minute (palermo.accounts.middleware.SlidingSessionMiddleware), not
# on every request (SESSION_SAVE_EVERY_REQUEST wrote it on every page, image and click).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
PALERMO_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Account lockout (django-axes): 5 failures lock the username for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]
# Lockout is by username on purpose: institutions sit behind shared NAT addresses, and an
# IP lockout would let one mistyping colleague lock out a whole police station. Rotating
# user agents or cookies does not reset a username lockout.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "Palermo"
OTP_TOTP_THROTTLE_FACTOR = 1

# Internationalisation. English first; each instance lists the languages it serves.
LANGUAGE_CODE = "en"
ALL_LANGUAGES = {
    "en": _("English"),
    "sq": _("Albanian"),
    "sr-latn": _("Serbian (Latin)"),
    "sr": _("Serbian (Cyrillic)"),
    "mk": _("Macedonian"),
    "az": _("Azerbaijani"),
    "fr": _("French"),
}
# Codes as Django spells them (sr-latn); sr_Latn or sr-Latn are read the same. An unknown code
# stops the start: a language silently missing is found by its users, not its operator.
PALERMO_LANGUAGES = [
    code.strip().lower().replace("_", "-")
    for code in os.environ.get("PALERMO_LANGUAGES", ",".join(ALL_LANGUAGES)).split(",")
    if code.strip()
] or ["en"]
if unknown := [code for code in PALERMO_LANGUAGES if code not in ALL_LANGUAGES]:
    raise ImproperlyConfigured(
        f"PALERMO_LANGUAGES names unknown languages {unknown}; known: {', '.join(ALL_LANGUAGES)}"
    )
LANGUAGES = [(code, ALL_LANGUAGES[code]) for code in PALERMO_LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "palermo" / "locale"]
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["palermo.formats"]
TIME_ZONE = os.environ.get("PALERMO_TIME_ZONE", "Europe/Belgrade")

# The instance: which country it serves (ISO 3166-1 alpha-2; XK for Kosovo*).
PALERMO_COUNTRY = os.environ.get("PALERMO_COUNTRY", "XK")
PALERMO_INSTANCE_NAME = os.environ.get("PALERMO_INSTANCE_NAME", "Palermo")
# Links in e-mails point here (notifications carry a link, never a name).
PALERMO_BASE_URL = os.environ.get("PALERMO_BASE_URL", "http://127.0.0.1:8000")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Content Security Policy: no inline scripts or styles anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# API
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_PER_PAGE = 50
PALERMO_API_TOKEN_MAX_DAYS = 365

MAILERS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = os.environ.get("PALERMO_FROM_EMAIL", "palermo@localhost")

# Logs carry ids and codes only; request paths never hold names (searches are POSTed).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
