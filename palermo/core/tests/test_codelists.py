"""Administrators extend code lists; codes never change; labels are per language."""

from __future__ import annotations

import pytest
from django.utils import translation

from palermo.core.models import AuditEntry, CodeItem
from palermo.core.roles import Role

pytestmark = pytest.mark.django_db
URL = "/admin/code-lists/institution_type/"


def test_the_initial_institution_types_are_loaded_with_albanian_labels():
    police = CodeItem.objects.get(list_code="institution_type", code="police")
    with translation.override("sq"):
        assert police.label() == "Policia"
    assert police.label("en") == "Police"
    assert police.label("fr") == "Police"  # falls back to English


def test_a_script_variant_falls_back_to_english_not_to_the_other_script():
    item = CodeItem(code="court", labels={"en": "Court", "sr": "Суд", "pt": "Tribunal"})
    assert item.label("sr-latn") == "Court"  # not Cyrillic to a reader of Latin
    assert item.label("sr") == "Суд"
    assert item.label("pt-br") == "Tribunal"  # a regional variant takes its language's


def _add_ombudsperson(admin, **labels: str) -> CodeItem:
    """Post a new institution type with ``labels`` beside the English one; the entry made."""
    data = {"code": "ombudsperson", "label_en": "Ombudsperson", "sort_order": 5, "active": "on"}
    response = admin.post(URL, {**data, **labels})
    assert response.status_code == 302
    return CodeItem.objects.get(list_code="institution_type", code="ombudsperson")


def test_admin_adds_an_entry(client_for):
    admin = client_for(Role.ADMIN)
    item = _add_ombudsperson(admin, label_sq="Avokati i Popullit")
    assert item.labels == {"en": "Ombudsperson", "sq": "Avokati i Popullit"}
    assert AuditEntry.objects.filter(action="codelist.created", object_id=str(item.pk)).exists()


def test_an_entry_is_labelled_in_each_language_the_instance_offers(client_for, settings):
    settings.LANGUAGES = [("en", "English"), ("sq", "Albanian"), ("sr-latn", "Serbian (Latin)")]
    admin = client_for(Role.ADMIN)
    form = admin.get(URL).context["form"]
    fields = list(form.fields)
    assert fields[:4] == ["code", "label_en", "label_sq", "label_sr_latn"]
    assert "form-control" in form.fields["label_sr_latn"].widget.attrs["class"]  # styled too
    assert "label_fr" not in fields
    item = _add_ombudsperson(admin, label_sr_latn="Zaštitnik građana")
    assert item.labels == {"en": "Ombudsperson", "sr-latn": "Zaštitnik građana"}
    with translation.override("sr-latn"):
        assert item.label() == "Zaštitnik građana"
    listed = admin.get(URL).content.decode()
    assert '<span lang="sr-latn">Zaštitnik građana</span>' in listed


def test_editing_keeps_labels_in_languages_no_longer_offered(client_for, settings):
    item = CodeItem.objects.get(list_code="institution_type", code="health")
    item.labels = {**item.labels, "fr": "Santé"}
    item.save()
    settings.LANGUAGES = [("en", "English"), ("sq", "Albanian")]
    admin = client_for(Role.ADMIN)
    form = admin.get(f"{URL}{item.pk}/").context["form"]
    assert form.initial["label_en"] == item.labels["en"]
    response = admin.post(
        f"{URL}{item.pk}/",
        {"label_en": "Health care", "label_sq": "Shëndetësia", "sort_order": 1, "active": "on"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.labels == {"en": "Health care", "sq": "Shëndetësia", "fr": "Santé"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "Bad Code", "label_en": "X", "sort_order": 0}, "code"),
        ({"code": "police", "label_en": "Duplicate", "sort_order": 0}, "code"),
        ({"code": "ok_code", "label_en": "", "sort_order": 0}, "label_en"),
        ({"code": "ok_code", "label_en": "X", "sort_order": -1}, "sort_order"),
    ],
)
def test_bad_entries_are_refused_on_the_named_field(client_for, data, field):
    before = CodeItem.objects.count()
    response = client_for(Role.ADMIN).post(URL, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert CodeItem.objects.count() == before


def test_editing_keeps_the_code_and_can_deactivate(client_for):
    item = CodeItem.objects.get(list_code="institution_type", code="health")
    response = client_for(Role.ADMIN).post(
        f"{URL}{item.pk}/",
        {"code": "hacked", "label_en": "Health care", "label_sq": "", "sort_order": 1},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.code == "health"
    assert item.labels["en"] == "Health care"
    assert not item.active


def test_unknown_lists_do_not_exist(client_for):
    assert client_for(Role.ADMIN).get("/admin/code-lists/nope/").status_code == 404


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_manage_code_lists(client_for, role):
    client = client_for(role)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"code": "x", "label_en": "X", "sort_order": 0}).status_code == 403
