"""Attachments: type-checked, size-limited, encrypted on disk, in the section's scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from palermo.core.models import AuditEntry
from palermo.registry.models import Attachment
from palermo.registry.services.attachments import storage_dir

from .factories import other_institution_user, register, registrar

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\nSCREENING FORM OF ARTA KRASNIQI\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(
    client, case, content=PDF, name="screening-arta.pdf", section="story", kind="screening_form"
):
    return client.post(
        f"/registry/cases/{case.pk}/attachments/",
        {
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "section": section,
            "kind": kind,
        },
    )


def test_upload_encrypts_on_disk_and_the_team_downloads_it(client_for):
    alice = registrar()
    case = register(alice)
    client = client_for(alice)
    assert upload(client, case).status_code == 302
    attachment = Attachment.objects.get()
    stored = (storage_dir() / attachment.storage_name).read_bytes()
    assert b"KRASNIQI" not in stored
    assert b"%PDF" not in stored
    response = client.get(f"/registry/cases/{case.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "arta" not in response["Content-Disposition"]  # the name may carry a person's name
    assert AuditEntry.objects.filter(
        action="attachment.read", ids__icontains=str(attachment.pk)
    ).exists()


def test_another_institution_gets_404_for_the_file(client_for):
    alice = registrar()
    case = register(alice)
    upload(client_for(alice), case)
    attachment = Attachment.objects.get()
    outsider = client_for(other_institution_user())
    assert (
        outsider.get(f"/registry/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    )


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 this is an executable", "form.pdf"),
        (b"<html><script>alert(1)</script></html>", "form.html"),
        (b"", "empty.pdf"),
    ],
)
def test_wrong_types_are_refused_on_the_file_field(client_for, content, name):
    alice = registrar()
    case = register(alice)
    response = upload(client_for(alice), case, content=content, name=name)
    assert response.status_code == 400
    assert "file" in response.context["attachment_form"].errors
    assert not Attachment.objects.exists()
    assert not any(storage_dir().iterdir())


def test_too_large_files_are_refused(client_for, settings):
    settings.PALERMO_ATTACHMENT_MAX_BYTES = 1024
    alice = registrar()
    case = register(alice)
    response = upload(client_for(alice), case, content=PDF + b"x" * 2048)
    assert response.status_code == 400
    assert "larger than" in str(response.context["attachment_form"].errors["file"])
    assert not Attachment.objects.exists()


def test_a_section_the_user_cannot_read_cannot_receive_files(client_for):
    from palermo.core.roles import Role
    from palermo.testing.factories import member

    alice = registrar()
    case = register(alice)
    registrar_only = member(Role.REGISTRAR, institution=alice.memberships.first().institution)
    response = upload(client_for(registrar_only), case, section="health")
    assert response.status_code == 400
    assert not Attachment.objects.exists()
