"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL is set (make test runs both)."""

from __future__ import annotations

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import PG_BINDING_OPTIONS, VAR_DIR

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
# Fixed test keys (32 bytes each, base64url).
PALERMO_AUDIT_KEYS = "t1:dGVzdC1hdWRpdC1rZXktMDEyMzQ1Njc4OWFiY2RlZmc="
PALERMO_FIELD_KEYS = "f1:dGVzdC1maWVsZC1rZXktMDEyMzQ1Njc4OWFiY2RlZmc="
PALERMO_BLIND_INDEX_KEY = "b1:dGVzdC1ibGluZC1rZXktMDEyMzQ1Njc4OWFiY2RlZmc="

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config()}
    # Test databases are flushed between transactional tests; the audit trigger allows
    # TRUNCATE only where this session setting is on (never in production).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c palermo.audit_truncate=on"
    # Bound and prepared as in production: a statement the server cannot type fails here.
    DATABASES["default"]["OPTIONS"].update(PG_BINDING_OPTIONS)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/ yet
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "test.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
AXES_ENABLED = True
PALERMO_DEMO_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# No cache between tests: a value cached by one test (the registry's size) must not change
# what another computes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
