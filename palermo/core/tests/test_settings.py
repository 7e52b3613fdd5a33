"""Production settings refuse to start without their secrets and pass Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 60 + "-production-secret-for-the-check-only-0123456789",
    "DATABASE_URL": "postgres://palermo@127.0.0.1:5432/palermo",
    "DJANGO_ALLOWED_HOSTS": "palermo.example.org",
    "PALERMO_AUDIT_KEYS": "a1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
    "PALERMO_FIELD_KEYS": "f1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
    "PALERMO_BLIND_INDEX_KEY": "b1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PALERMO_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.nodb
def test_production_refuses_to_start_without_its_environment():
    result = run(["manage.py", "check", "--settings=config.settings.production"], {})
    assert result.returncode != 0
    for name in PRODUCTION_ENV:
        assert name in result.stderr


@pytest.mark.nodb
def test_production_passes_the_deploy_checks():
    result = run(
        ["manage.py", "check", "--deploy", "--settings=config.settings.production"],
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.nodb
def test_development_settings_work_with_nothing_set(tmp_path):
    result = run(["manage.py", "check"], {"PALERMO_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    keys = sorted(p.name for p in (tmp_path / "keys").iterdir())
    assert keys == ["audit-keys", "blind-index-key", "django-secret", "field-keys"]
    assert oct((tmp_path / "keys" / "audit-keys").stat().st_mode & 0o777) == "0o600"


@pytest.mark.nodb
def test_the_embedded_database_is_opened_for_concurrent_reads(tmp_path):
    """WAL (readers beside the writer), foreign keys, and a page cache big enough for a list
    page's index walks, as the development settings open SQLite."""
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    for p in ('journal_mode', 'foreign_keys', 'cache_size'):\n"
        "        print(c.execute(f'PRAGMA {p}').fetchone()[0])\n"
    )
    result = run(
        ["manage.py", "shell", "--no-imports", "-c", code], {"PALERMO_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "1", "-65536"]


def on_production_postgresql(code: str) -> list[str]:
    """What ``code`` prints, run by ``manage.py shell`` with the production settings on the
    local PostgreSQL, word by word."""
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    result = run(
        ["manage.py", "shell", "--no-imports", "--settings=config.settings.production", "-c", code],
        env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.nodb
def test_production_opens_postgresql_without_jit_or_parallel_workers():
    """Short queries from many requests at once: JIT compilation and parallel workers cost
    more than they save (docs/benchmarks.md). Read off a real connection."""
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    for p in ('jit', 'max_parallel_workers_per_gather'):\n"
        "        c.execute(f'SHOW {p}')\n"
        "        print(c.fetchone()[0])\n"
    )
    assert on_production_postgresql(code) == ["off", "0"]


@pytest.mark.nodb
def test_production_binds_values_on_the_server_and_prepares_what_a_connection_repeats():
    """Every request runs the same statements: the server parses one once a connection has
    run it PG_PREPARE_THRESHOLD times (docs/benchmarks.md). Read off a real connection: no
    statement is prepared before, one after."""
    code = (
        "from django.conf import settings\n"
        "from django.db import connection\n"
        "prepared = 'SELECT count(*) FROM pg_prepared_statements'\n"
        "with connection.cursor() as c:\n"
        "    c.execute(prepared)\n"
        "    print(c.fetchone()[0])\n"
        "    for _ in range(settings.PG_PREPARE_THRESHOLD + 1):\n"
        "        c.execute('SELECT %s + 1', [41])\n"
        "        assert c.fetchone()[0] == 42\n"
        "    c.execute(prepared)\n"
        "    print(c.fetchone()[0])\n"
    )
    assert on_production_postgresql(code) == ["0", "1"]


@pytest.mark.nodb
def test_the_languages_offered_are_read_however_their_codes_are_spelt(tmp_path):
    script = "from django.conf import settings; print([c for c, _ in settings.LANGUAGES])"
    env = {"PALERMO_VAR_DIR": str(tmp_path), "PALERMO_LANGUAGES": "en, sq,sr_Latn,SR"}
    result = run(["manage.py", "shell", "-c", script], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['en', 'sq', 'sr-latn', 'sr']"


@pytest.mark.nodb
def test_an_unknown_language_stops_the_start(tmp_path):
    env = {"PALERMO_VAR_DIR": str(tmp_path), "PALERMO_LANGUAGES": "en,sq,klingon"}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "PALERMO_LANGUAGES names unknown languages ['klingon']" in result.stderr
