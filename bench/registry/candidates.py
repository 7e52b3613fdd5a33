"""What search-before-create's candidate limit costs in matches and time, at 1M.

    .venv/bin/python -m bench.registry.candidates --db postgres --queries 800 --limit 200 --against 400

Draws ``--queries`` searches as the load test does (``load.search_form``: names as written,
in Latin, with typos, swapped, surname only; a full date, a year, an age or nothing) from
the generated persons, and runs each twice through the registry's own search steps
(candidates, their features, the scorer) with the two candidate limits
(``search.MAX_CANDIDATES``). Prints every search whose likely matches (probability at least
``search.SHOW_THRESHOLD``, per person) differ, what each limit found that the other did
not, and the mean number of candidates and milliseconds of those steps for each. Nothing is
written (no audit entry, no alert): this measures the matching, not a request.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from typing import Any

from . import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=800)
    parser.add_argument("--seed", type=int, default=11, help="drawing the searches")
    parser.add_argument("--data-seed", type=int, default=1, help="the generated data's seed")
    parser.add_argument("--limit", type=int, default=200, help="the candidate limit tried")
    parser.add_argument("--against", type=int, default=400, help="the limit compared with")
    args = parser.parse_args(argv)

    generate.configure(args.db, args.persons)
    import django

    django.setup()
    from palermo.registry import search
    from palermo.registry.forms import SearchForm
    from palermo.registry.views.registering import _query

    from .load import search_form

    name = generate.snapshot_name(args.db, args.persons, args.data_seed)
    samples = json.loads((generate.SNAPSHOTS / f"{name}.samples.json").read_text())["samples"]
    rng = random.Random(args.seed)
    forms = [search_form(rng, rng.choice(samples)) for _ in range(args.queries)]

    def query(form: dict[str, str]) -> search.SearchQuery:
        """The search the page's form makes of these fields (``views.registering._query``)."""
        bound = SearchForm(form)
        if not bound.is_valid():
            raise SystemExit(f"the load drew a search its form refuses: {bound.errors.as_json()}")
        return _query(bound)

    def likely(q: search.SearchQuery, limit: int) -> tuple[int, dict[str, float], float]:
        """How many candidates ``search`` took under ``limit``, each likely person's best
        probability, and the milliseconds of those steps."""
        search.MAX_CANDIDATES = limit
        started = time.perf_counter()
        candidates, by_document, scores = search._scored(q)
        best = search._best_by_person(candidates, by_document, scores)
        elapsed = (time.perf_counter() - started) * 1000
        shown = {pid: b[0] for pid, b in best.items() if b[0] >= search.SHOW_THRESHOLD}
        return len(candidates), shown, elapsed

    counts: dict[int, list[int]] = {args.limit: [], args.against: []}
    times: dict[int, list[float]] = {args.limit: [], args.against: []}
    found_only: dict[int, list[float]] = {args.limit: [], args.against: []}
    differing = 0
    for form in forms:
        q = query(form)
        results: dict[int, dict[str, float]] = {}
        for limit in (args.limit, args.against):
            n, best, ms = likely(q, limit)
            counts[limit].append(n)
            times[limit].append(ms)
            results[limit] = best
        if results[args.limit] != results[args.against]:
            differing += 1
            shown = {k: v for k, v in form.items() if k not in ("first_name", "last_name")}
            print(f"differs: {len(form.get('first_name', ''))}+{len(form.get('last_name', ''))}"
                  f" letters, {shown}")  # fmt: skip
        for limit, other in ((args.limit, args.against), (args.against, args.limit)):
            found_only[limit] += [p for k, p in results[limit].items() if k not in results[other]]
    report: dict[str, Any] = {"queries": len(forms), "differing": differing}
    for limit in (args.limit, args.against):
        report[f"limit {limit}"] = {
            "candidates (mean)": round(statistics.mean(counts[limit]), 1),
            "ms (mean)": round(statistics.mean(times[limit]), 2),
            "likely matches only this limit found": sorted(round(p, 3) for p in found_only[limit]),
        }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
