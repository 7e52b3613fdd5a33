from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def instance(request: HttpRequest) -> dict[str, Any]:
    return {
        "instance": {
            "name": settings.PALERMO_INSTANCE_NAME,
            "country": settings.PALERMO_COUNTRY,
        }
    }
