"""Bulk generator of a large registry for the benchmark, with a cached snapshot.

    .venv/bin/python -m bench.registry.generate --db sqlite   --persons 1000000
    .venv/bin/python -m bench.registry.generate --db postgres --persons 100000 --seed 1

A fresh database gets the schema (``migrate``) and the normal demo institutions and users
(``seed_demo``); then the registry is written straight into the tables — not through the
services, which would take days for a million persons: SQLite by ``executemany`` in large
transactions (journal off, big cache), PostgreSQL by ``COPY`` (psycopg 3
``cursor.copy()``). Secondary indexes and constraints of the loaded tables are dropped
before the load and recreated from their own definitions after it. Name search keys are
``palermo.names.search_keys``, as ``services.register.index_names`` stores them.

Encrypted fields: document numbers are encrypted one by one with the field key (AES-GCM,
as the model field would) and get their real blind index; contact, location and story are
drawn from a few dozen values encrypted once (tokens repeat, plaintexts are synthetic).

Snapshot: the loaded database is saved under ``bench/.cache/snapshots/`` (SQLite: a copy of
the file; PostgreSQL: ``pg_dump -Fc``) with the sample of identities that ``load.py``
searches for. The next run with the same database, size, seed and generator version
restores it instead of generating (``--regenerate`` forces a new one). A working database
that already holds that snapshot is left as it is, unless ``--fresh`` asks for a restore
(runs add audit entries, sessions and duplicate alerts).

Working databases: SQLite ``bench/.cache/registry-<size>.sqlite3``, PostgreSQL
``palermo_bench_<size>`` on 127.0.0.1:5432 (one per size, so that switching sizes needs no
restore).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

GENERATOR_VERSION = 3
ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "bench" / ".cache"
SNAPSHOTS = CACHE / "snapshots"
META_TABLE = "bench_registry_meta"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres"


def size_label(persons: int) -> str:
    if persons % 1_000_000 == 0:
        return f"{persons // 1_000_000}m"
    if persons % 1_000 == 0:
        return f"{persons // 1_000}k"
    return str(persons)


def bench_env(db: str, size: str) -> dict[str, str]:
    """The environment that points Django at a benchmark database (``bench.registry.settings``)."""
    return {
        "PALERMO_BENCH_DB": db,
        "PALERMO_BENCH_SIZE": size,
        "DJANGO_SETTINGS_MODULE": "bench.registry.settings",
    }


def configure(db: str, persons: int) -> None:
    """Point Django at the benchmark database (before django.setup())."""
    os.environ.update(bench_env(db, size_label(persons)))


def snapshot_name(db: str, persons: int, seed: int) -> str:
    """Changes with the generator and with the name-key algorithm (stored keys must match
    the keys a search computes)."""
    from palermo.names import SEARCH_KEYS_VERSION

    return f"registry-{db}-{size_label(persons)}-s{seed}-v{GENERATOR_VERSION}k{SEARCH_KEYS_VERSION}"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the two databases ------------------------------------------------------------------
class SQLiteTarget:
    def __init__(self, persons: int) -> None:
        self.path = CACHE / f"registry-{size_label(persons)}.sqlite3"

    def loaded(self) -> str | None:
        if not self.path.exists():
            return None
        with sqlite3.connect(self.path) as conn:
            try:
                row = conn.execute(
                    f"SELECT value FROM {META_TABLE} WHERE key='snapshot'"
                ).fetchone()
            except sqlite3.OperationalError:
                return None
        return row[0] if row else None

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def restore(self, snapshot: Path) -> None:
        self.drop()
        shutil.copyfile(snapshot, self.path)

    def warm(self) -> None:
        """Read the database file through once, so that the page cache holds it."""
        for suffix in ("", "-wal"):
            path = Path(f"{self.path}{suffix}")
            if path.exists():
                with path.open("rb") as handle:
                    while handle.read(1 << 23):
                        pass

    def save(self, snapshot: Path) -> None:
        with sqlite3.connect(self.path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tmp = snapshot.with_suffix(".tmp")
        shutil.copyfile(self.path, tmp)
        tmp.replace(snapshot)

    def load(self, chunks, tables: dict[str, tuple[str, ...]], name: str) -> dict[str, int]:
        conn = sqlite3.connect(self.path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2000000",
                       "temp_store=MEMORY", "foreign_keys=OFF", "locking_mode=EXCLUSIVE"):  # fmt: skip
            conn.execute(f"PRAGMA {pragma}")
        marks = ",".join("?" * len(tables))
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            list(tables),
        ).fetchall()
        for index, _sql in indexes:
            conn.execute(f'DROP INDEX "{index}"')
        counts = dict.fromkeys(tables, 0)
        for rows, persons_done in chunks:
            conn.execute("BEGIN")
            for table, columns in tables.items():
                if rows[table]:
                    conn.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' * len(columns))})",
                        rows[table],
                    )
                    counts[table] += len(rows[table])
            conn.execute("COMMIT")
            log(f"  {persons_done:>9,} persons written")
        log("recreating indexes")
        for index, sql in indexes:
            started = time.monotonic()
            conn.execute(sql)
            log(f"  {index} ({time.monotonic() - started:.0f} s)")
        conn.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute(f"INSERT INTO {META_TABLE} VALUES ('snapshot', ?)", [name])
        conn.execute("PRAGMA locking_mode=NORMAL")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
        return counts


class PostgresTarget:
    def __init__(self, persons: int) -> None:
        default = f"palermo_bench_{size_label(persons)}"
        self.name = os.environ.get("PALERMO_BENCH_PG_NAME", default)

    def _admin(self):
        import psycopg

        return psycopg.connect(f"{PG_DSN} dbname=postgres", autocommit=True)

    def connect(self):
        import psycopg

        return psycopg.connect(f"{PG_DSN} dbname={self.name}")

    def loaded(self) -> str | None:
        with self._admin() as admin:
            if not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname=%s", [self.name]
            ).fetchone():
                return None
        with self.connect() as conn:
            exists = conn.execute("SELECT to_regclass(%s)", [META_TABLE]).fetchone()[0]
            if not exists:
                return None
            row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key='snapshot'").fetchone()
        return row[0] if row else None

    def warm(self) -> None:
        """Read every table, index and materialized view of the database through once, and
        the tables' TOAST storage (``pg_prewarm`` in its ``read`` mode: into the operating
        system's page cache)."""
        with self.connect() as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            conn.execute(
                "SELECT pg_prewarm(c.oid, 'read') FROM pg_class c"
                " WHERE c.relkind IN ('r', 'i', 'm', 't') AND ("
                " c.relnamespace = 'public'::regnamespace OR c.oid IN ("
                " SELECT reltoastrelid FROM pg_class WHERE relnamespace = 'public'::regnamespace))"
            )

    def drop(self) -> None:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.name}"')

    def restore(self, snapshot: Path) -> None:
        self.drop()
        subprocess.run(
            ["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "-d", self.name, "-j", "2",
             "--no-owner", str(snapshot)],
            check=True,
        )  # fmt: skip
        with self.connect() as conn:
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")

    def save(self, snapshot: Path) -> None:
        tmp = snapshot.with_suffix(".tmp")
        subprocess.run(
            ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-f", str(tmp), self.name],
            check=True,
        )
        tmp.replace(snapshot)

    def load(self, chunks, tables: dict[str, tuple[str, ...]], name: str) -> dict[str, int]:
        conn = self.connect()
        conn.execute("SET TIME ZONE 'UTC'")
        names = list(tables)
        constraints = conn.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
            "FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) "
            "AND c.contype IN ('f', 'u')",
            [names],
        ).fetchall()
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND i.schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)",
            [names],
        ).fetchall()
        for table, constraint, _definition, _kind in constraints:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
        for index, _definition in indexes:
            conn.execute(f'DROP INDEX "{index}"')
        conn.commit()
        counts = dict.fromkeys(tables, 0)
        for rows, persons_done in chunks:
            with conn.cursor() as cur:
                for table, columns in tables.items():
                    if not rows[table]:
                        continue
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows[table]:
                            copy.write_row(row)
                    counts[table] += len(rows[table])
            conn.commit()
            log(f"  {persons_done:>9,} persons written")
        log("recreating indexes and constraints")
        conn.execute("SET maintenance_work_mem = '1GB'")
        for index, definition in indexes:
            started = time.monotonic()
            conn.execute(definition)
            conn.commit()
            log(f"  {index} ({time.monotonic() - started:.0f} s)")
        for table, constraint, definition, _kind in constraints:
            started = time.monotonic()
            conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {definition}')
            conn.commit()
            log(f"  {constraint} ({time.monotonic() - started:.0f} s)")
        conn.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute(f"INSERT INTO {META_TABLE} VALUES ('snapshot', %s)", [name])
        conn.commit()
        conn.autocommit = True
        log("VACUUM ANALYZE")
        conn.execute("VACUUM ANALYZE")
        conn.close()
        return counts


# --- generation -------------------------------------------------------------------------
def complete(tables: dict[str, tuple[str, ...]]) -> tuple[dict[str, tuple[str, ...]], dict]:
    """Every column of each model: those the generator fills, then the others with their
    model default (so that a field added by a later migration does not break the load)."""
    from datetime import datetime

    from django.apps import apps

    by_table = {m._meta.db_table: m for m in apps.get_app_config("registry").get_models()}
    columns: dict[str, tuple[str, ...]] = {}
    fillers: dict[str, tuple] = {}
    for table, given in tables.items():
        fields = {f.column: f for f in by_table[table]._meta.concrete_fields}
        unknown = set(given) - set(fields)
        if unknown:
            raise SystemExit(
                f"{table} has no column {sorted(unknown)}: update bench/registry/synth.py"
            )
        extra = [c for c, f in fields.items() if c not in given and not f.primary_key]
        values = []
        for column in extra:
            field = fields[column]
            value = field.get_default() if field.has_default() else (None if field.null else "")
            if isinstance(value, datetime):
                value = value.strftime("%Y-%m-%d %H:%M:%S.%f")
            elif isinstance(value, list | dict):
                value = json.dumps(value)
            values.append(value)
        columns[table] = given + tuple(extra)
        fillers[table] = tuple(values)
    return columns, fillers


def seed_database(logins: Path) -> None:
    from django.core.management import call_command
    from django.db import connections

    log("migrate")
    call_command("migrate", verbosity=0, interactive=False)
    log("seed_demo (institutions, users of every role, the small demo registry)")
    call_command("seed_demo", logins=str(logins), stdout=open(os.devnull, "w"))  # noqa: SIM115
    connections.close_all()


def context():
    from palermo.accounts.models import User
    from palermo.core.crypto import blind_index, encrypt
    from palermo.institutions.models import Institution
    from palermo.registry.models import Case, Person
    from palermo.registry.services.register import DOCUMENT_PURPOSE

    from .synth import Context

    contact = [
        f"+383 4{i % 10} {100 + i:03d} {200 + 7 * i:03d} (via case worker)" for i in range(20)
    ]
    location = ["temporary accommodation", "with relatives", "state shelter", "NGO shelter",
                "own flat", "abroad", "unknown", "hospital", "foster family", "with partner"]  # fmt: skip
    story = [f"Synthetic account {i}: recruited with a false job offer abroad." for i in range(10)]
    ctx = Context(
        institutions=dict(Institution.objects.values_list("code", "pk")),
        users=dict(User.objects.values_list("username", "pk")),
        tokens={
            "contact": [encrypt(t) for t in contact],
            "location": [encrypt(t) for t in location],
            "story": [encrypt(t) for t in story],
        },
        encrypt=encrypt,
        blind_index=lambda number: blind_index(number, purpose=DOCUMENT_PURPOSE),
    )
    from palermo.core.roles import Capability
    from palermo.registry.models import CaseAccess

    if "child_protection" in CaseAccess.Source.values:
        for municipality, pk in Institution.objects.filter(
            active=True, capabilities__capability=Capability.CHILD_PROTECTION
        ).values_list("municipality", "pk"):
            ctx.child_protection.setdefault(municipality, pk)
    ctx.taken |= set(Person.objects.values_list("pseudonym", flat=True))
    ctx.taken |= set(Case.objects.values_list("reference", flat=True))
    return ctx


def generate(target, persons: int, seed: int, name: str, samples_path: Path, logins: Path) -> None:
    import django

    django.setup()
    from django.db import connections

    from .synth import TABLES, Generator, chunks

    started = time.monotonic()
    target.drop()
    seed_database(logins)
    gen = Generator(seed, context())
    connections.close_all()
    samples: list = []
    sample_every = max(1, persons // 5000)

    columns, fillers = complete(TABLES)

    def rows():
        done = 0
        for out, sample in chunks(gen, persons, 20_000, sample_every):
            done += len(out["registry_person"])
            samples.extend(sample)
            for table, filler in fillers.items():
                if filler:
                    out[table] = [row + filler for row in out[table]]
            yield out, done

    log(f"writing {persons:,} persons")
    counts = target.load(rows(), columns, name)
    samples_path.write_text(
        json.dumps({"snapshot": name, "samples": [asdict(s) for s in samples]}, ensure_ascii=False)
    )
    for table, count in counts.items():
        log(f"  {table}: {count:,} rows")
    from palermo.registry.services.holds import refresh_shares, refresh_team_holds

    # Generated team members belong to the registering institution, which holds the case;
    # the demo's own cases may have members from elsewhere (their flags set by the services).
    log(f"team rows whose flag beyond_hold changed: {refresh_team_holds():,}")
    # The access rows were written without the services: the pairs that share each case.
    log(f"cases shared by two institutions: {refresh_shares():,} rows")
    log(f"generated in {time.monotonic() - started:.0f} s")
    check()


def check() -> None:
    """The ORM reads what was written: encrypted values decrypt, counts add up."""
    from django.db import connections

    from palermo.registry.models import Case, NameKey, Person, Registration

    connections.close_all()
    registration = Registration.objects.exclude(document_number="").order_by("pk").first()
    assert registration is not None, "no registration with a document number"
    assert registration.document_number, "document numbers do not decrypt"
    log(
        f"check: {Person.objects.count():,} persons, {Registration.objects.count():,} "
        f"registrations, {Case.objects.count():,} cases, {NameKey.objects.count():,} name keys; "
        "document numbers decrypt"
    )
    connections.close_all()


def warm(db: str, persons: int) -> None:
    """Bring the working database into the page cache. This machine's kernel reclaims page
    cache left idle (DAMON, ``kdamond``): a run after a pause read parts of the 5.5 GB SQLite
    file from disk, and its year filter took 1.2 s at p50 instead of 30 ms."""
    started = time.monotonic()
    (SQLiteTarget(persons) if db == "sqlite" else PostgresTarget(persons)).warm()
    log(f"database read into the page cache ({time.monotonic() - started:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="ignore a cached snapshot")
    parser.add_argument("--fresh", action="store_true", help="restore even if already loaded")
    args = parser.parse_args(argv)

    configure(args.db, args.persons)
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    name = snapshot_name(args.db, args.persons, args.seed)
    snapshot = SNAPSHOTS / (name + (".sqlite3" if args.db == "sqlite" else ".pgdump"))
    samples = SNAPSHOTS / f"{name}.samples.json"
    logins = SNAPSHOTS / f"{name}.logins.csv"
    target = SQLiteTarget(args.persons) if args.db == "sqlite" else PostgresTarget(args.persons)

    if snapshot.exists() and samples.exists() and not args.regenerate:
        if target.loaded() == name and not args.fresh:
            log(f"{name} is already loaded")
            return 0
        started = time.monotonic()
        log(f"restoring {snapshot.name}")
        target.restore(snapshot)
        log(f"restored in {time.monotonic() - started:.0f} s")
        return 0
    generate(target, args.persons, args.seed, name, samples, logins)
    started = time.monotonic()
    log(f"saving snapshot {snapshot.name}")
    target.save(snapshot)
    log(f"saved in {time.monotonic() - started:.0f} s ({snapshot.stat().st_size / 1e9:.2f} GB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
