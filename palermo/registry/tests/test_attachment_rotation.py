"""Attachment files follow a field-key rotation: re-encrypted under the new key, the same
bytes when downloaded, and the old key can then leave the ring."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command

from palermo.core.crypto import DecryptionError, key_id_of
from palermo.registry.models import Attachment
from palermo.registry.services.attachments import (
    attachment_upload,
    rotate_attachment_keys,
    storage_dir,
)

from .factories import register, registrar

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\nSCREENING FORM OF ARTA KRASNIQI\n%%EOF\n"
NEW_KEY = "f2:" + base64.urlsafe_b64encode(b"a-brand-new-field-key-0123456789").decode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def uploaded():
    alice = registrar()
    case = register(alice)
    attachment = attachment_upload(
        actor=alice,
        case=case,
        section="story",
        kind="screening_form",
        filename="screening.pdf",
        content=PDF,
    )
    return alice, case, attachment


def stored(attachment: Attachment) -> bytes:
    return (storage_dir() / attachment.storage_name).read_bytes()


def rotate_database_fields() -> None:
    """What ``rotate_field_keys`` does to the database (the files are left to the test)."""
    from palermo.core.keys import field_keys
    from palermo.core.management.commands.rotate_field_keys import encrypted_fields, rotate_model

    for model, fields in encrypted_fields():
        rotate_model(model, fields, current=field_keys().current_id, check=False, batch=500)


def download(client, case, attachment) -> bytes:
    response = client.get(f"/registry/cases/{case.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    return response.content


def test_rotation_reencrypts_files_under_the_new_key_and_the_old_key_can_go(
    settings, client_for, uploaded
):
    alice, case, attachment = uploaded
    old = settings.PALERMO_FIELD_KEYS
    assert key_id_of(stored(attachment)) == "f1"
    before = stored(attachment)
    settings.PALERMO_FIELD_KEYS = f"{NEW_KEY},{old}"

    assert rotate_attachment_keys(check=True) == 1
    assert stored(attachment) == before  # a check only counts

    assert rotate_attachment_keys(check=False) == 1
    attachment.refresh_from_db()
    assert attachment.key_id == "f2"
    assert key_id_of(stored(attachment)) == "f2"
    assert b"KRASNIQI" not in stored(attachment)
    assert rotate_attachment_keys(check=True) == 0

    rotate_database_fields()
    settings.PALERMO_FIELD_KEYS = NEW_KEY  # the old key is gone
    assert download(client_for(alice), case, attachment) == PDF


def test_the_rotation_command_counts_and_rotates_the_files(settings, client_for, uploaded):
    alice, case, attachment = uploaded
    settings.PALERMO_FIELD_KEYS = f"{NEW_KEY},{settings.PALERMO_FIELD_KEYS}"
    out = io.StringIO()
    call_command("rotate_field_keys", "--check", stdout=out)
    assert "registry: 1 files under older keys" in out.getvalue()
    call_command("rotate_field_keys", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_field_keys", "--check", stdout=out)
    assert "registry: 0 files under older keys" in out.getvalue()
    settings.PALERMO_FIELD_KEYS = NEW_KEY
    assert download(client_for(alice), case, attachment) == PDF


def test_a_file_left_under_a_dropped_key_cannot_be_read(settings, client_for, uploaded):
    """Why the files need their own rotation: the database's alone does not carry them."""
    alice, case, attachment = uploaded
    settings.PALERMO_FIELD_KEYS = f"{NEW_KEY},{settings.PALERMO_FIELD_KEYS}"
    rotate_database_fields()
    settings.PALERMO_FIELD_KEYS = NEW_KEY
    with pytest.raises(DecryptionError, match="no key with id 'f1'"):
        client_for(alice).get(f"/registry/cases/{case.pk}/attachments/{attachment.pk}/")
