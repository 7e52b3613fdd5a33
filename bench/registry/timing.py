"""The server's own time for a request, as a response header (benchmark settings only).

The load generator measures from sending a request to reading the whole response; that
includes waiting for a free worker, the network and its own threads' turns at the GIL.
``X-Bench-Server-Ms`` is the time Django spent, from the first middleware in to the last
out, so that a report can tell the server's share from the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Bench-Server-Ms"


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = f"{(time.perf_counter() - started) * 1000:.2f}"
        return response
