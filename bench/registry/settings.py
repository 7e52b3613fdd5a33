"""Settings for the registry benchmark: the development settings on a database of its own.

    PALERMO_BENCH_DB=sqlite|postgres   which database (default sqlite)
    PALERMO_BENCH_SIZE=1m|100k|...     which SQLite file (bench/.cache/registry-<size>.sqlite3)

PostgreSQL uses the database ``palermo_bench_<size>`` on 127.0.0.1:5432 (user postgres). Connections
persist for 60 s on both, as in ``config.settings.production``. DEBUG is off. The only
difference from the real URLs is the bare view (``bench.registry.urls``); one middleware
adds the server's own time to each response (``bench.registry.timing``).
"""

from __future__ import annotations

import os
from pathlib import Path

from config.settings.base import DB_CONN_MAX_AGE, PG_BINDING_OPTIONS, PG_SESSION_OPTIONS
from config.settings.dev import *  # noqa: F403
from config.settings.dev import SQLITE_OPTIONS

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR.parent / ".cache"
BENCH_DB = os.environ.get("PALERMO_BENCH_DB", "sqlite")
BENCH_SIZE = os.environ.get("PALERMO_BENCH_SIZE", "1m")
PG_NAME = os.environ.get("PALERMO_BENCH_PG_NAME", f"palermo_bench_{BENCH_SIZE}")

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.registry.urls"
# First in, last out: the server's own time for each request, as a response header.
MIDDLEWARE = ["bench.registry.timing.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405

if BENCH_DB == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": PG_NAME,
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "CONN_MAX_AGE": DB_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"options": PG_SESSION_OPTIONS, **PG_BINDING_OPTIONS},  # as production
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(CACHE_DIR / f"registry-{BENCH_SIZE}.sqlite3"),
            "OPTIONS": SQLITE_OPTIONS,
            "CONN_MAX_AGE": DB_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }

# Quiet request logs: 20 clients would otherwise flood the server's stderr.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
