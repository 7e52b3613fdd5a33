"""Re-encrypt every encrypted value with the current field key.

Put the new key first in PALERMO_FIELD_KEYS (keep the old ones after it), restart, then run
this command. It is idempotent, and ``--check`` only counts what still uses an older key:
remove an old key from the ring only when the check reports 0.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from palermo.core import audit, sql
from palermo.core.crypto import SEPARATOR, EncryptedTextField, decrypt
from palermo.core.keys import field_keys


def encrypted_fields() -> list[tuple[Any, list[Any]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def _raw_rows(model: Any, fields: list[Any], pks: list[Any]) -> list[tuple[Any, ...]]:
    """Stored tokens, bypassing decryption, to see which key wrote each value."""
    columns = ", ".join(sql.column(model, f.name) for f in fields)
    pk_column = sql.column(model, model._meta.pk.name)
    statement = f"SELECT {pk_column}, {columns} FROM {sql.table(model)} WHERE {pk_column} IN ({sql.marks(len(pks))})"  # noqa: S608 — identifiers from the model, values as parameters
    return sql.rows(statement, [model._meta.pk.get_db_prep_value(pk, connection) for pk in pks])


def rotate_model(model: Any, fields: list[Any], *, current: str, check: bool, batch: int) -> int:
    stale = 0
    pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        with transaction.atomic():
            for row in _raw_rows(model, fields, pks[start : start + batch]):
                updates = {
                    f.attname: decrypt(token)
                    for f, token in zip(fields, row[1:], strict=True)
                    if token and token.partition(SEPARATOR)[0] != current
                }
                stale += len(updates)
                if updates and not check:
                    model._base_manager.filter(pk=row[0]).update(**updates)
    return stale


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields and files with the current key of PALERMO_FIELD_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--check", action="store_true", help="Only count stale values.")

    def handle(self, *args: Any, **options: Any) -> None:
        current = field_keys().current_id
        check = options["check"]
        total = 0
        for model, fields in encrypted_fields():
            n = rotate_model(model, fields, current=current, check=check, batch=options["batch"])
            total += n
            self.stdout.write(f"{model._meta.label}: {n} values under older keys")
        for config in apps.get_app_configs():
            for rotate in getattr(config, "key_rotators", ()):
                n = rotate(check=check)
                total += n
                self.stdout.write(f"{config.label}: {n} files under older keys")
        if not check:
            audit.record(None, "keys.field_rotated", fields=[current], channel="cli")
        state = "found" if check else "re-encrypted"
        self.stdout.write(f"{total} values {state}; current key {current}")
