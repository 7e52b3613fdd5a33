"""Identity documents, contacts and locations are encrypted at rest; keys rotate."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from palermo.core.crypto import SEPARATOR, blind_index
from palermo.registry.models import Registration

from .factories import register, registrar

pytestmark = pytest.mark.django_db

DOCUMENT = "P-AB1234567"
NEW_KEY = "f2:" + base64.urlsafe_b64encode(b"a-brand-new-field-key-0123456789").decode()


def raw_row(registration):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_number, contact, current_location, document_index "
            "FROM registry_registration WHERE id = %s",
            [registration.pk.hex if connection.vendor == "sqlite" else registration.pk],
        )
        return cursor.fetchone()


def test_sensitive_values_are_stored_encrypted():
    case = register(
        registrar(),
        document_number=DOCUMENT,
        contact="+383 44 123 456",
        current_location="Safe house 3",
    )
    document, contact, location, index = raw_row(case.registration)
    for stored, clear in (
        (document, DOCUMENT),
        (contact, "+383 44 123 456"),
        (location, "Safe house 3"),
    ):
        assert clear not in stored
        assert stored.startswith("f1" + SEPARATOR)
    assert index == blind_index("pab1234567", purpose="document")
    reg = Registration.objects.get(pk=case.registration.pk)
    assert reg.document_number == DOCUMENT
    assert reg.current_location == "Safe house 3"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="inspects the SQLite database file")
def test_the_database_file_holds_no_clear_document_number(tmp_path: Path):
    register(registrar(), document_number=DOCUMENT)
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    content = copy.read_bytes()
    assert b"Krasniqi" in content  # the copy really holds the data...
    assert DOCUMENT.encode() not in content  # ...but not the document number
    assert b"AB1234567" not in content


def test_the_blind_index_finds_a_document_however_it_is_typed():
    case = register(registrar(), document_number="AB 123-4567")
    assert (
        Registration.objects.filter(
            document_index=blind_index("ab1234567", purpose="document")
        ).get()
        == case.registration
    )


def test_key_rotation_reencrypts_everything_and_old_keys_can_then_go(settings, capsys):
    case = register(registrar(), document_number=DOCUMENT, contact="call Arta")
    old = settings.PALERMO_FIELD_KEYS
    settings.PALERMO_FIELD_KEYS = f"{NEW_KEY},{old}"
    call_command("rotate_field_keys", "--check")
    # document number, contact (registration) and the account of the exploitation (case)
    assert "3 values found" in capsys.readouterr().out
    call_command("rotate_field_keys")
    out = capsys.readouterr().out
    assert "re-encrypted" in out
    document, contact, _location, _index = raw_row(case.registration)
    assert document.startswith("f2" + SEPARATOR)
    assert contact.startswith("f2" + SEPARATOR)
    call_command("rotate_field_keys", "--check")
    assert "0 values found" in capsys.readouterr().out
    settings.PALERMO_FIELD_KEYS = NEW_KEY  # the old key is gone
    assert Registration.objects.get(pk=case.registration.pk).document_number == DOCUMENT
