"""Bad input is refused with a message naming the field, and nothing changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from palermo.core.models import AuditEntry
from palermo.registry.models import Case, Person, Registration
from palermo.registry.services import CaseInput, ExploitationInput, IdentityInput, person_register

from .factories import registrar

pytestmark = pytest.mark.django_db
TODAY = date.today()


def attempt(actor, identity=None, case=None, search=True):
    return person_register(
        actor=actor,
        identity=identity or IdentityInput(first_name="Arta", last_name="Krasniqi"),
        case=case or CaseInput(kind="nrm", detection_date=TODAY - timedelta(days=1)),
        search_ran_at=timezone.now() if search else None,
    )


@pytest.mark.parametrize(
    ("identity", "case", "field"),
    [
        (IdentityInput("A", "B", date_of_birth=TODAY + timedelta(days=2)), None, "date_of_birth"),
        (IdentityInput("A", "B", birth_year=1850), None, "birth_year"),
        (IdentityInput("A", "B", age=140), None, "age"),
        (IdentityInput("A", "B", citizenship="QQ"), None, "citizenship"),
        (IdentityInput("A", "B", sex="x"), None, "sex"),
        (IdentityInput("", ""), None, "last_name"),
        (IdentityInput("A", "B", document_number="123"), None, "document_type"),
        (None, CaseInput(kind="nrm", detection_date=TODAY + timedelta(days=1)), "detection_date"),
        (None, CaseInput(kind="other", detection_date=TODAY), "kind"),
        (
            None,
            CaseInput(kind="nrm", detection_date=TODAY, country_of_exploitation="Narnia"),
            "country_of_exploitation",
        ),
        (
            None,
            CaseInput(
                kind="nrm",
                detection_date=TODAY,
                exploitations=[ExploitationInput(form="sexual", means_of_control=["magic"])],
            ),
            "exploitations[0].means_of_control",
        ),
        (None, CaseInput(kind="nrm", detection_date=TODAY, indicator_ids=[999999]), "indicators"),
        (
            IdentityInput("A", "B", date_of_birth=date(2000, 1, 1)),
            CaseInput(kind="nrm", detection_date=date(1999, 1, 1)),
            "detection_date",
        ),
    ],
)
def test_refused_with_the_field_named_and_nothing_written(identity, case, field):
    actor = registrar()
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        attempt(actor, identity, case)
    assert field in exc.value.message_dict
    assert (Person.objects.count(), Registration.objects.count(), Case.objects.count()) == (0, 0, 0)
    assert AuditEntry.objects.count() == before


def test_registering_without_a_search_is_refused():
    with pytest.raises(ValidationError):
        attempt(registrar(), search=False)
    assert not Person.objects.exists()


def test_the_register_page_refuses_a_missing_or_forged_search_token(client_for):
    client = client_for(registrar())
    response = client.post("/registry/register/", {"token": "forged", "last_name": "Krasniqi"})
    assert response.status_code == 302
    assert response["Location"].endswith("/registry/search/")
    assert not Person.objects.exists()


def test_a_signed_but_unencrypted_token_is_refused(client_for):
    """A token of the earlier format (signed, readable) sends the registrar back to search."""
    from django.core import signing

    from palermo.registry.views.registering import TOKEN_SALT

    actor = registrar()
    client = client_for(actor)
    token = signing.dumps(
        {"u": actor.pk, "at": timezone.now().isoformat(), "m": [], "a": []}, salt=TOKEN_SALT
    )
    response = client.post("/registry/register/", {"token": token, "last_name": "Krasniqi"})
    assert response.status_code == 302
    assert response["Location"].endswith("/registry/search/")
    assert not Person.objects.exists()


def test_the_form_shows_errors_on_the_named_fields(client_for):
    actor = registrar()
    client = client_for(actor)
    token = client.post("/registry/search/", {"last_name": "Krasniqi"}).context["token"]
    response = client.post(
        "/registry/register/",
        {
            "token": token,
            "step": "save",
            "id-last_name": "Krasniqi",
            "id-sex": "female",
            "id-citizenship": "XK",
            "id-document_type": "none",
            "id-date_of_birth": (TODAY + timedelta(days=3)).isoformat(),
            "case-kind": "nrm",
            "case-detection_date": (TODAY + timedelta(days=3)).isoformat(),
            "case-detection_source": "police",
            "case-country_of_exploitation": "XK",
            "case-trafficking_scope": "unknown",
            "case-accompaniment": "unknown",
            "ex0-country": "ZZ",
            "ex0-recruiter_relation": "unknown",
            "ex1-country": "ZZ",
            "ex1-recruiter_relation": "unknown",
        },
    )
    assert response.status_code == 400
    assert "detection_date" in response.context["case_form"].errors
    assert "date_of_birth" in response.context["identity_form"].errors
    assert not Person.objects.exists()
