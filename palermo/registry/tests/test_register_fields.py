"""Registering stores what the registrar entered: the name's script, how the person was
found, a child's accompaniment, the exploitation and the screening indicators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from palermo.core.models import CodeItem
from palermo.registry.models import Case
from palermo.registry.services import (
    CaseInput,
    ExploitationInput,
    IdentityInput,
    person_register,
)

from .factories import registrar

pytestmark = pytest.mark.django_db

DETECTED = timezone.localdate() - timedelta(days=30)
CHILD_BIRTH = DETECTED - timedelta(days=14 * 365)
ADULT_BIRTH = DETECTED - timedelta(days=30 * 365)


def indicators(n: int = 2) -> list[int]:
    ids = list(
        CodeItem.objects.filter(list_code="indicator", active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(ids) > n
    return ids[1 : 1 + n]  # not simply the first: a default would not pass


def register_with(actor, first="Arta", last="Krasniqi", *, birth=ADULT_BIRTH, **case) -> Case:
    case.setdefault("kind", "nrm")
    case.setdefault("detection_date", DETECTED)
    return person_register(
        actor=actor,
        identity=IdentityInput(
            first_name=first, last_name=last, sex="female", date_of_birth=birth, citizenship="XK"
        ),
        case=CaseInput(**case),
        search_ran_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("first", "last", "script"),
    [
        ("Милица", "Јовановић", "cyrillic"),
        ("Олександр", "Коваленко", "cyrillic"),
        ("Milica", "Jovanović", "latin"),
        ("Arta", "Krasniqi", "latin"),
    ],
)
def test_the_registration_records_the_script_the_name_was_written_in(first, last, script):
    case = register_with(registrar(), first, last)
    case.registration.refresh_from_db()
    assert case.registration.script == script


def test_the_service_stores_the_case_exploitation_and_indicators_as_entered():
    chosen = indicators()
    case = register_with(
        registrar(),
        birth=CHILD_BIRTH,
        detection_source="labour_inspection",
        accompaniment="unaccompanied",
        exploitations=[
            ExploitationInput(
                form="labour",
                labour_sector="construction",
                country="DE",
                means_of_control=["withheld_documents", "debt_bondage"],
                recruiter_relation="employer",
            ),
            ExploitationInput(form="begging", country="AL", recruiter_relation="family"),
        ],
        indicator_ids=chosen,
    )
    case = Case.objects.get(pk=case.pk)
    assert case.detection_source == "labour_inspection"
    assert case.is_child
    assert case.accompaniment == "unaccompanied"
    stored = {
        (e.form, e.labour_sector, e.country, tuple(e.means_of_control), e.recruiter_relation)
        for e in case.exploitations.all()
    }
    assert stored == {
        ("labour", "construction", "DE", ("debt_bondage", "withheld_documents"), "employer"),
        ("begging", "", "AL", (), "family"),
    }
    assert sorted(case.indicators.values_list("indicator_id", flat=True)) == chosen


def test_an_adults_case_records_accompaniment_as_not_applicable():
    """Accompaniment is about children: whatever was ticked, an adult's case says n/a."""
    case = register_with(registrar(), birth=ADULT_BIRTH, accompaniment="accompanied")
    case = Case.objects.get(pk=case.pk)
    assert not case.is_child
    assert case.accompaniment == "not_applicable"


def test_the_registration_page_saves_everything_the_registrar_entered(client_for):
    actor = registrar()
    client = client_for(actor)
    search = client.post("/registry/search/", {"first_name": "Милица", "last_name": "Јовановић"})
    chosen = indicators()
    saved = client.post(
        "/registry/register/",
        {
            "token": search.context["token"],
            "step": "save",
            "id-first_name": "Милица",
            "id-last_name": "Јовановић",
            "id-sex": "female",
            "id-date_of_birth": CHILD_BIRTH.isoformat(),
            "id-citizenship": "RS",
            "id-document_type": "none",
            "case-kind": "nrm",
            "case-detection_date": DETECTED.isoformat(),
            "case-detection_source": "ngo_outreach",
            "case-country_of_exploitation": "DE",
            "case-trafficking_scope": "transnational",
            "case-accompaniment": "accompanied",
            "case-indicators": [str(pk) for pk in chosen],
            "ex0-form": "labour",
            "ex0-labour_sector": "agriculture",
            "ex0-country": "DE",
            "ex0-means_of_control": ["threats", "withheld_wages"],
            "ex0-recruiter_relation": "employer",
            "ex1-form": "sexual",
            "ex1-country": "RS",
            "ex1-means_of_control": ["false_promises"],
            "ex1-recruiter_relation": "intimate_partner",
        },
    )
    assert saved.status_code == 302
    case = Case.objects.get()
    assert saved["Location"].endswith(f"/registry/cases/{case.pk}/")
    assert case.registration.script == "cyrillic"
    assert case.registration.institution_id == actor.principal.institution_id
    assert case.detection_source == "ngo_outreach"
    assert case.is_child
    assert case.accompaniment == "accompanied"
    stored = {
        (e.form, e.labour_sector, e.country, tuple(e.means_of_control), e.recruiter_relation)
        for e in case.exploitations.all()
    }
    assert stored == {
        ("labour", "agriculture", "DE", ("threats", "withheld_wages"), "employer"),
        ("sexual", "", "RS", ("false_promises",), "intimate_partner"),
    }
    assert sorted(case.indicators.values_list("indicator_id", flat=True)) == chosen


def test_a_latin_name_entered_on_the_page_is_recorded_as_latin(client_for):
    client = client_for(registrar())
    search = client.post("/registry/search/", {"first_name": "Milica", "last_name": "Jovanović"})
    saved = client.post(
        "/registry/register/",
        {
            "token": search.context["token"],
            "step": "save",
            "id-first_name": "Milica",
            "id-last_name": "Jovanović",
            "id-sex": "female",
            "id-citizenship": "RS",
            "id-document_type": "none",
            "case-kind": "nrm",
            "case-detection_date": DETECTED.isoformat(),
            "case-detection_source": "hotline",
            "case-country_of_exploitation": "XK",
            "case-trafficking_scope": "internal",
            "case-accompaniment": "unknown",
            "ex0-country": "ZZ",
            "ex0-recruiter_relation": "unknown",
            "ex1-country": "ZZ",
            "ex1-recruiter_relation": "unknown",
        },
    )
    assert saved.status_code == 302
    assert Case.objects.get().registration.script == "latin"
