"""Deep pages: follow the case list's Next links for 100 pages, in-process, one at a time.

    .venv/bin/python -m bench.registry.pages --db sqlite investigator registrar.prizren
    .venv/bin/python -m bench.registry.pages --db postgres --offset investigator

For each user and list (plain, sorted by state, three filters) prints the first page's
time, the mean of pages 2–10 and of the last ten, and the slowest. ``--offset`` asks for
the same pages by number instead (``?page=N``, what a typed address does): the database
then walks and checks every row before the page.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from .generate import bench_env

LISTS = (
    "/registry/cases/",
    "/registry/cases/?order=state",
    "/registry/cases/?form=begging",
    "/registry/cases/?child=yes",
    "/registry/cases/?kind=protection",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("users", nargs="+")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", default="1m")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--offset", action="store_true", help="pages by number, not by key")
    args = parser.parse_args(argv)
    os.environ.update(bench_env(args.db, args.size))
    from .load import next_link
    from .profile import signed_in_client

    for username in args.users:
        client = signed_in_client(username)
        client.get(LISTS[0])  # warm-up: templates compiled, connections open
        for start in LISTS:
            link, times = start, []
            for number in range(1, args.pages + 1):
                began = time.perf_counter()
                response = client.get(link)
                times.append((time.perf_counter() - began) * 1000)
                found = next_link(response.content)
                if not found:
                    break
                if args.offset:
                    sep = "&" if "?" in start else "?"
                    link = f"{start}{sep}page={number + 1}"
                else:
                    link = "/registry/cases/" + found
            middle = times[1:10] or times
            print(
                f"{username:18} {start:34} {len(times):3} pages: first {times[0]:.0f} ms,"
                f" 2-10 {sum(middle) / len(middle):.0f} ms,"
                f" last ten {sum(times[-10:]) / len(times[-10:]):.0f} ms,"
                f" slowest {max(times):.0f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
