"""What a worker freezes out of the garbage collector's sight, and when."""

from __future__ import annotations

import gc

from palermo.core.collector import FreezeAfterWarmUp


def test_what_the_first_requests_loaded_is_frozen_once_the_worker_is_warm():
    served = []

    def app(environ, start_response):
        served.append(environ["PATH_INFO"])
        return [b"ok"]

    wrapped = FreezeAfterWarmUp(app, after=3)
    before = gc.get_freeze_count()
    try:
        for n in range(2):
            assert wrapped({"PATH_INFO": f"/{n}"}, None) == [b"ok"]
        assert gc.get_freeze_count() == before  # not warm yet
        loaded = [[n] for n in range(1000)]  # what the first requests loaded (and keep)
        wrapped({"PATH_INFO": "/2"}, None)
        frozen = gc.get_freeze_count()
        assert frozen >= before + len(loaded)
        wrapped({"PATH_INFO": "/3"}, None)
        assert gc.get_freeze_count() == frozen  # once only
        assert served == ["/0", "/1", "/2", "/3"]  # every request reaches the application
    finally:
        gc.unfreeze()
