"""One request at a time, in-process: what a page costs without any queue, and where it goes.

    .venv/bin/python -m bench.registry.profile --user investigator /registry/cases/
    .venv/bin/python -m bench.registry.profile --db postgres --size 1m --profile 30 /registry/cases/
    .venv/bin/python -m bench.registry.profile --search "Ana Petrovic" /registry/search/

Runs Django's test client against the benchmark settings (``--db``/``--size`` choose the
database as ``bench.registry.load`` does; ``--demo`` uses the development database that
``make demo`` fills). The user is signed in as after their second factor. Prints p50/p95 of
``--repeat`` requests per path after ``--warmup`` ones, then, with ``--profile N``, the N
functions with the most cumulative time over the measured requests (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from typing import Any

from .generate import bench_env


def signed_in_client(username: str) -> Any:
    """A test client of the configured settings, signed in as ``username`` with their second
    factor verified (DEBUG off, the benchmark's bare view routed)."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from palermo.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    settings.ROOT_URLCONF = "bench.registry.urls"
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise SystemExit(f"{username} has no confirmed TOTP device")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="paths to GET (or POST with --search)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", default="1m", help="bench database size label (default 1m)")
    parser.add_argument("--demo", action="store_true", help="use the development database")
    parser.add_argument("--user", default="investigator")
    parser.add_argument("--search", default="", help="POST this name as search-before-create")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument(
        "--sort", default="cumulative", help="cProfile order: cumulative (default) or tottime"
    )
    args = parser.parse_args(argv)

    if args.demo:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    else:
        os.environ.update(bench_env(args.db, args.size))
    client = signed_in_client(args.user)

    def once(path: str) -> int:
        if args.search:
            first, _, last = args.search.partition(" ")
            response = client.post(
                path,
                {"first_name": first, "last_name": last},
                HTTP_HX_REQUEST="true",
            )
        else:
            response = client.get(path)
        return response.status_code

    profiler = cProfile.Profile() if args.profile else None
    for path in args.paths:
        for _ in range(args.warmup):
            status = once(path)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            status = once(path)
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(
            f"{path}: status {status}, p50 {statistics.median(times):.1f} ms,"
            f" p95 {p95:.1f} ms over {len(times)}"
        )
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
