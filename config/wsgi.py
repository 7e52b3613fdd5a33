"""WSGI entry point (gunicorn config.wsgi). Production sets DJANGO_SETTINGS_MODULE explicitly."""

import os

from django.core.wsgi import get_wsgi_application

from palermo.core.collector import FreezeAfterWarmUp, freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# What the first requests load is frozen after them (``FreezeAfterWarmUp``).
application = FreezeAfterWarmUp(get_wsgi_application())
# Everything loaded so far (Django, the apps, settings, code lists) lives as long as the
# worker: out of the garbage collector's sight, so that a full collection no longer walks
# it. Measured at 1M: the case list's rare full collections took 95-130 ms; frozen, at most
# 8 ms, and collections' average cost a request 1.0 -> 0.7 ms.
freeze()
