"""Load test: case list and search-before-create against a bare view, 20 concurrent clients.

    .venv/bin/python -m bench.registry.load --db sqlite --persons 1000000
    .venv/bin/python -m bench.registry.load --db postgres --persons 100000 --duration 120

Restores the generated database if needed (``generate.py``), reads it into the page cache
(``generate.warm``: this machine's kernel evicts idle page cache), applies migrations, starts
gunicorn (``config.wsgi`` with ``bench.registry.settings``, sync workers) and signs in 20
sessions through the real sign-in pages: password, then the TOTP code computed from the
demo user's secret. Then 20 client threads, one per session, each send one request after
another for ``--duration`` seconds after a ``--warmup`` — back to back by default (the
server saturated: latency is then mostly waiting for a worker), or after an exponential
pause of mean ``--think`` seconds (people reading pages). Every request is, at random with
equal odds:

- ``bare``: GET /bench/bare/, decorated like the case list, no query of its own;
- ``list``: GET /registry/cases/: the first page, the Next link of the last list page the
  client received (pages link by key), or a filter or sort order;
- ``search``: POST /registry/search/ (CSRF token, HX-Request, as the page's form sends it)
  with a name from the generated data: as written, in Latin for a Cyrillic name, with a
  typo, swapped, with or without date of birth, year or age.

Latency is measured from sending the request to reading the whole response. The report
gives p50/p95/p99, throughput, and p50/p95 ratios of list and search to bare; the raw
latencies go to ``bench/.cache/results/``. No data is cached between requests (only the
list's filter fields' HTML and the menu, as in production) and every list and search is
audited, as in production.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from . import generate, timing

ROOT = generate.ROOT
RESULTS = generate.CACHE / "results"
VENV = ROOT / ".venv" / "bin"

# 20 sessions of registrars and case workers, big institutions and small ones.
SESSIONS = [
    "investigator", "investigator", "investigator",  # police THB directorate: a third of cases
    "caseworker.prishtina", "caseworker.prishtina", "caseworker.prishtina",
    "registrar.prizren", "registrar.prizren", "registrar.peja", "registrar.peja",
    "caseworker.prizren", "caseworker.prizren", "shelter.worker", "shelter.worker",
    "ngo.worker", "ngo.worker", "ngo.registrar", "ngo.registrar",
    "inspector",  # labour inspectorate: 3 % of cases
    "multi.worker",  # member of two institutions, on no case team
]  # fmt: skip
KINDS = ("bare", "list", "search")
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT_RE = re.compile(rb'rel="next" href="([^"]+)"')


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- HTTP with cookies ----------------------------------------------------------------
@dataclass
class Session:
    username: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    next_link: str = ""  # the Next link of the last list page this session received

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        send = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            send["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=send)
            response = conn.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), data
        finally:
            conn.close()

    def token(self, path: str) -> str:
        status, _headers, data = self.request("GET", path)
        match = TOKEN_RE.search(data.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"{self.username}: no form at {path} (HTTP {status})")
        return match.group(1)


class Codes:
    """TOTP codes, never the same time step twice for a user (django-otp refuses a reused
    code; it accepts one step ahead). ``last`` starts from each device's last used step
    (``_last_steps``): a run started within a minute of the previous one would otherwise
    send codes that run already used."""

    def __init__(self, last: dict[str, int] | None = None) -> None:
        self.last: dict[str, int] = dict(last or {})

    def next(self, username: str, secret: str) -> str:
        import pyotp

        totp = pyotp.TOTP(secret)
        step = max(int(time.time()) // 30, self.last.get(username, -1) + 1)
        while step > int(time.time()) // 30 + 1:
            time.sleep(1)
        self.last[username] = step
        return totp.at(step * 30)


def sign_in(port: int, login: dict[str, str], codes: Codes) -> Session:
    session = Session(login["username"], port)
    token = session.token("/accounts/login/")
    status, headers, _ = session.request(
        "POST",
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": token,
            "username": login["username"],
            "password": login["password"],
        },
    )
    if status != 302:
        raise RuntimeError(f"{session.username}: password step answered HTTP {status}")
    token = session.token("/accounts/login/verify/")
    status, headers, _ = session.request(
        "POST",
        "/accounts/login/verify/",
        {
            "csrfmiddlewaretoken": token,
            "otp_token": codes.next(login["username"], login["totp_secret"]),
        },
    )
    if status != 302 or "verify" in headers.get("Location", ""):
        raise RuntimeError(f"{session.username}: second factor answered HTTP {status}")
    session.csrf = session.token("/registry/search/")
    return session


# --- what the clients ask ---------------------------------------------------------------
def next_link(body: bytes) -> str:
    """The query string of a list page's Next link ("" on the last page)."""
    found = NEXT_RE.search(body)
    return found.group(1).decode().replace("&amp;", "&") if found else ""


def list_path(rng: random.Random, institution_ids: list[int], next_link: str = "") -> str:
    """A list page as people reach it: the first page, the Next link of the page they are on
    (the list links pages by key, so that deep pages cost what the first does), or a
    filter or sort order."""
    roll = rng.random()
    params: dict[str, object] = {}
    if roll < 0.55:
        pass  # first page, newest detection first: what the page opens with
    elif roll < 0.80:
        if next_link:  # "Next" on the last list page this client saw (page 2, 3, … deep)
            return "/registry/cases/" + next_link
    else:
        key, value = rng.choice(
            [
                ("kind", "protection"),
                ("state", rng.choice(["detected", "identified", "closed", "referred"])),
                ("child", "yes"),
                ("form", rng.choice(["labour", "begging", "sexual"])),
                ("year", rng.randint(2019, 2026)),
                ("order", rng.choice(["detected", "reference", "state"])),
                ("institution", rng.choice(institution_ids)),
            ]
        )
        params[key] = value
    return "/registry/cases/" + ("?" + urllib.parse.urlencode(params) if params else "")


def list_variant(path: str) -> str:
    """What a list request asks for: "first" (page), "next" (by key), or its filter or order."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    if "after" in query:
        return "next"
    return next((key for key in query if key != "page"), "first")


def search_form(rng: random.Random, sample: dict) -> dict[str, str]:
    from palermo.names import to_latin

    first, last = sample["first_name"], sample["last_name"]
    roll = rng.random()
    if roll < 0.25:
        pass  # as first written
    elif roll < 0.45:
        first, last = to_latin(first), to_latin(last)  # Latin for Cyrillic (else unchanged)
    elif roll < 0.65:
        last = _typo(rng, to_latin(last) if rng.random() < 0.5 else last)
    elif roll < 0.75:
        first = _typo(rng, first)
    elif roll < 0.85:
        first, last = last, first
    else:
        first = ""  # surname only
    form = {"first_name": first, "last_name": last}
    when = rng.random()
    if when < 0.5:
        form["date_of_birth"] = sample["date_of_birth"]
    elif when < 0.75:
        form["birth_year"] = str(sample["birth_year"])
    elif when < 0.85:
        form["age"] = str(max(0, 2026 - sample["birth_year"] - rng.randint(0, 2)))
    if rng.random() < 0.7 and sample["sex"] != "unknown":
        form["sex"] = sample["sex"]
    if rng.random() < 0.5:
        form["citizenship"] = sample["citizenship"]
    return form


def _typo(rng: random.Random, word: str) -> str:
    from .synth import typo

    return typo(rng, word)


# --- the run --------------------------------------------------------------------------
@dataclass
class Result:
    kind: str
    started: float
    seconds: float
    status: int
    ok: bool
    server_ms: float = float("nan")  # the server's own time (``bench.registry.timing``)
    variant: str = ""  # of a list: "first", "next", or the filter or sort parameter


def client(
    session: Session,
    seed: int,
    samples: list[dict],
    institution_ids: list[int],
    until: float,
    out: list[Result],
    think: float = 0.0,
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        if think:  # a person reading the page before the next click (exponential, mean think)
            time.sleep(min(rng.expovariate(1 / think), 10 * think))
        kind = rng.choice(KINDS)
        variant = ""
        if kind == "bare":
            method, path, form, headers = "GET", "/bench/bare/", None, None
        elif kind == "list":
            path = list_path(rng, institution_ids, session.next_link)
            method, form, headers = "GET", None, None
            variant = list_variant(path)
        else:
            form = {"csrfmiddlewaretoken": session.csrf, **search_form(rng, rng.choice(samples))}
            method, path, headers = "POST", "/registry/search/", {"HX-Request": "true"}
        started = time.monotonic()
        try:
            status, response_headers, body = session.request(method, path, form, headers)
        except OSError:
            status, response_headers, body = 0, {}, b""
        seconds = time.monotonic() - started
        if kind == "list":
            session.next_link = next_link(body)
        ok = status == 200 and (
            (kind == "bare" and body == b"ok")
            or (kind == "list" and b'id="case-rows"' in body)
            or (kind == "search" and b'name="token"' in body)
        )
        server_ms = float(response_headers.get(timing.HEADER, "nan"))
        out.append(Result(kind, started, seconds, status, ok, server_ms, variant))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarise(results: list[Result], seconds: float) -> dict:
    summary: dict = {"kinds": {}}
    for kind in KINDS:
        rows = [r for r in results if r.kind == kind]
        ms = [r.seconds * 1000 for r in rows if r.ok]
        server = [r.server_ms for r in rows if r.ok and r.server_ms == r.server_ms]  # not NaN
        summary["kinds"][kind] = {
            "requests": len(rows),
            "errors": sum(not r.ok for r in rows),
            "statuses": sorted({r.status for r in rows if not r.ok}),
            "per_second": len(rows) / seconds,
            "p50": percentile(ms, 50),
            "p95": percentile(ms, 95),
            "p99": percentile(ms, 99),
            "mean": statistics.fmean(ms) if ms else float("nan"),
            "max": max(ms, default=float("nan")),
            "server_p50": percentile(server, 50),
            "server_p95": percentile(server, 95),
        }
    kinds = summary["kinds"]
    summary["list_variants"] = {
        variant: {
            "requests": len(ms),
            "p50": percentile(ms, 50),
            "p95": percentile(ms, 95),
            "max": max(ms, default=float("nan")),
        }
        for variant in sorted({r.variant for r in results if r.kind == "list"})
        for ms in [[r.seconds * 1000 for r in results if r.variant == variant and r.ok]]
    }
    summary["total_per_second"] = len(results) / seconds
    for kind in ("list", "search"):
        for p in ("p50", "p95"):
            summary[f"{kind}/bare {p}"] = kinds[kind][p] / kinds["bare"][p]
            summary[f"{kind}/bare server {p}"] = (
                kinds[kind][f"server_{p}"] / kinds["bare"][f"server_{p}"]
            )
    return summary


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory = int(
        next(
            line for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
        ).split()[1]
    )
    return {"nproc": os.cpu_count(), "memory_gb": round(memory / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version()}  # fmt: skip


def start_server(env: dict[str, str], port: int, workers: int, log_path: Path) -> subprocess.Popen:
    command = [
        str(VENV / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--timeout", "300",
        "--backlog", "256", "--log-level", "warning",
    ]  # fmt: skip
    handle = log_path.open("w")
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            break
    stop_server(server)
    raise RuntimeError(f"the server did not start; see {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--warmup", type=float, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause between a client's requests in seconds (default 0: back to back)",
    )
    parser.add_argument("--fresh", action="store_true", help="restore the snapshot first")
    parser.add_argument("--label", default="", help="added to the result file name")
    args = parser.parse_args(argv)

    generate.main(
        ["--db", args.db, "--persons", str(args.persons), "--seed", str(args.seed)]
        + (["--fresh"] if args.fresh else [])
    )
    generate.warm(args.db, args.persons)
    name = generate.snapshot_name(args.db, args.persons, args.seed)
    env = {**os.environ, **generate.bench_env(args.db, generate.size_label(args.persons))}
    log("migrate (a no-op unless the code gained migrations since the snapshot)")
    subprocess.run([str(VENV / "python"), "manage.py", "migrate", "--no-input", "-v", "0"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    samples = json.loads((generate.SNAPSHOTS / f"{name}.samples.json").read_text())["samples"]
    with (generate.SNAPSHOTS / f"{name}.logins.csv").open() as handle:
        logins = {row["username"]: row for row in csv.DictReader(handle)}
    institution_ids = _institution_ids(env)

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = f"{name}-{stamp}" + (f"-{args.label}" if args.label else "")
    server = start_server(env, args.port, args.workers, RESULTS / f"{base}.server.log")
    try:
        log(f"gunicorn up ({args.workers} sync workers); signing in {args.clients} sessions")
        codes = Codes(_last_steps(env))
        sessions = [
            sign_in(args.port, logins[SESSIONS[i % len(SESSIONS)]], codes)
            for i in range(args.clients)
        ]
        load_before = os.getloadavg()
        log(f"load average {load_before[0]:.2f}; {args.warmup:.0f} s warm-up, "
            f"{args.duration:.0f} s measured")  # fmt: skip
        results: list[Result] = []
        start = time.monotonic()
        until = start + args.warmup + args.duration
        threads = [
            threading.Thread(
                target=client,
                args=(
                    s,
                    args.seed * 1000 + i,
                    samples,
                    institution_ids,
                    until,
                    results,
                    args.think,
                ),
            )
            for i, s in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        load_after = os.getloadavg()
    finally:
        stop_server(server)
    measured = [r for r in results if r.started >= start + args.warmup]
    window = max(r.started + r.seconds for r in measured) - (start + args.warmup)
    summary = summarise(measured, window)
    summary.update(
        snapshot=name, db=args.db, persons=args.persons, clients=args.clients,
        workers=args.workers, duration=args.duration, warmup=args.warmup, think=args.think,
        load_before=load_before, load_after=load_after, machine=machine(),
        date=time.strftime("%Y-%m-%d %H:%M"), server="gunicorn sync",
    )  # fmt: skip
    (RESULTS / f"{base}.json").write_text(
        json.dumps(
            {
                "summary": summary,
                "raw": [
                    [r.kind, round(r.seconds * 1000, 2), r.status, r.ok, r.server_ms, r.variant]
                    for r in measured
                ],
            },
            indent=1,
        )
    )
    print_summary(summary)
    log(f"results in {RESULTS / base}.json")
    return 0


def _ask(env: dict[str, str], code: str) -> Any:
    """The JSON that ``code`` prints, run by ``manage.py shell`` on the benchmark database."""
    out = subprocess.run(
        [str(VENV / "python"), "manage.py", "shell", "-c", f"import json; {code}"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _institution_ids(env: dict[str, str]) -> list[int]:
    return _ask(
        env,
        "from palermo.institutions.models import Institution as I;"
        "print(json.dumps(list(I.objects.filter(active=True).values_list('pk', flat=True))))",
    )


def _last_steps(env: dict[str, str]) -> dict[str, int]:
    """Each user's TOTP device's last used time step (django-otp's ``last_t``)."""
    return _ask(
        env,
        "from django_otp.plugins.otp_totp.models import TOTPDevice as D;"
        "print(json.dumps(dict(D.objects.values_list('user__username', 'last_t'))))",
    )


def print_summary(summary: dict) -> None:
    print()
    print(f"{summary['db']}, {summary['persons']:,} persons, {summary['clients']} clients "
          f"(think {summary['think']:g} s), {summary['workers']} workers; load "
          f"{summary['load_before'][0]:.2f} → "
          f"{summary['load_after'][0]:.2f}")  # fmt: skip
    print("| request | n | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, k in summary["kinds"].items():
        print(f"| {kind} | {k['requests']} | {k['errors']} | {k['per_second']:.1f} | "
              f"{k['p50']:.0f} | {k['p95']:.0f} | {k['p99']:.0f} |")  # fmt: skip
    print("server's own time (X-Bench-Server-Ms), p50/p95 ms: " + "; ".join(
        f"{kind} {k['server_p50']:.1f}/{k['server_p95']:.1f}"
        for kind, k in summary["kinds"].items()
    ) + f"; list/bare p95 {summary['list/bare server p95']:.2f}, search/bare p95 "
        f"{summary['search/bare server p95']:.2f}")  # fmt: skip
    print("list requests by what they ask, n p50/p95 ms: " + "; ".join(
        f"{variant} {v['requests']} {v['p50']:.0f}/{v['p95']:.0f}"
        for variant, v in summary["list_variants"].items()
    ))  # fmt: skip
    print(f"total {summary['total_per_second']:.1f} req/s; list/bare p50 "
          f"{summary['list/bare p50']:.2f}, p95 {summary['list/bare p95']:.2f}; search/bare p50 "
          f"{summary['search/bare p50']:.2f}, p95 {summary['search/bare p95']:.2f}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
