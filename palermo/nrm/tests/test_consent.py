"""Consent per purpose: what is recorded, what is refused (on the field), who may record it
and what withdrawing it does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palermo.core.models import AuditEntry
from palermo.core.roles import Role
from palermo.nrm.codes import ConsentPurpose
from palermo.nrm.models import Consent
from palermo.nrm.services import consent_record, consent_withdraw
from palermo.testing.factories import member

from .factories import World

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def record(world, case, *, actor=None, **overrides):
    values = {
        "purpose": ConsentPurpose.DATA_SHARING,
        "given_on": TODAY,
        "language": "Albanian",
        "interpreter_used": True,
        "sections": ["identity", "health"],
        "institution_types": ["shelter"],
        **overrides,
    }
    return consent_record(actor=actor or world.worker, case=case, **values)


def test_consent_records_purpose_who_when_language_and_interpreter():
    world = World()
    case = world.case()
    consent = record(world, case, given_on=TODAY - timedelta(days=2), language=" Albanian ")
    consent.refresh_from_db()
    assert consent.purpose == ConsentPurpose.DATA_SHARING
    assert consent.taken_by == world.worker
    assert consent.given_on == TODAY - timedelta(days=2)
    assert consent.recorded_at is not None
    assert consent.language == "Albanian"
    assert consent.interpreter_used is True
    assert consent.sections == ["health", "identity"]
    assert consent.institution_types == ["shelter"]
    assert consent.active
    entry = AuditEntry.objects.get(action="consent.recorded", object_id=str(consent.pk))
    assert str(case.pk) in entry.ids
    assert "Albanian" not in str(entry.fields)


@pytest.mark.parametrize("purpose", ["assistance", "statistics", "contact"])
def test_other_purposes_need_no_sections(purpose):
    world = World()
    case = world.case()
    consent = record(world, case, purpose=purpose, sections=[], institution_types=[])
    assert consent.purpose == purpose


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"given_on": TODAY + timedelta(days=1)}, "given_on"),
        ({"language": ""}, "language"),
        ({"language": "   "}, "language"),
        ({"sections": ["identity", "diary"]}, "sections"),
        ({"institution_types": ["shelter", "casino"]}, "institution_types"),
        ({"sections": []}, "sections"),  # data sharing must say what may be shared
        ({"purpose": "marketing"}, "purpose"),
    ],
)
def test_bad_consent_input_is_refused_on_the_field_and_nothing_is_recorded(override, field):
    world = World()
    case = world.case()
    with pytest.raises(ValidationError) as exc:
        record(world, case, **override)
    assert field in exc.value.message_dict
    assert not Consent.objects.filter(case=case).exists()
    assert not AuditEntry.objects.filter(action="consent.recorded").exists()


def test_only_a_holder_of_the_case_records_consent():
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity"], accept=True)
    before = Consent.objects.count()
    # The shelter reads the case through a referral but does not hold it.
    with pytest.raises(PermissionDenied):
        record(world, case, actor=world.shelter_worker)
    analyst = member(Role.ANALYST, institution=world.csw)
    with pytest.raises(PermissionDenied):
        record(world, case, actor=analyst)
    assert Consent.objects.count() == before


def test_withdrawal_is_recorded_once_and_by_a_holder():
    world = World()
    case = world.case()
    consent = record(world, case)
    with pytest.raises(PermissionDenied):
        consent_withdraw(actor=member(Role.ANALYST, institution=world.csw), consent=consent)
    consent.refresh_from_db()
    assert consent.active
    stale = Consent.objects.get(pk=consent.pk)  # another page opened before the withdrawal
    consent_withdraw(actor=world.csw_supervisor, consent=consent)
    consent.refresh_from_db()
    assert not consent.active
    assert consent.withdrawn_by == world.csw_supervisor
    for again in (consent, stale):
        with pytest.raises(ValidationError):
            consent_withdraw(actor=world.worker, consent=again)
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.csw_supervisor
    assert AuditEntry.objects.filter(action="consent.withdrawn").count() == 1


def test_withdrawing_a_consent_for_another_purpose_leaves_referrals_alone():
    world = World()
    case = world.presumed()  # data-sharing consent for every section
    assistance = record(world, case, purpose="assistance", sections=[], institution_types=[])
    referral = world.to_shelter(case, ["identity"], accept=True)
    consent_withdraw(actor=world.worker, consent=assistance)
    referral.refresh_from_db()
    assert referral.state == "accepted"


def test_a_withdrawn_consent_no_longer_allows_new_referrals():
    world = World()
    case = world.case()
    consent = world.consent(case)
    consent_withdraw(actor=world.worker, consent=consent)
    with pytest.raises(ValidationError) as exc:
        world.to_shelter(case, ["identity"])
    assert "sections" in exc.value.message_dict


# --- the pages ---------------------------------------------------------------------------


def test_the_consent_page_records_consent(client_for):
    world = World()
    case = world.case()
    web = client_for(world.worker)
    assert web.get(f"/nrm/cases/{case.pk}/consents/new/").status_code == 200
    response = web.post(
        f"/nrm/cases/{case.pk}/consents/new/",
        {
            "purpose": "data_sharing",
            "given_on": TODAY.isoformat(),
            "language": "Serbian",
            "interpreter_used": "on",
            "sections": ["identity", "contact"],
            "institution_types": ["shelter"],
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case=case)
    assert (consent.language, consent.interpreter_used) == ("Serbian", True)
    assert consent.sections == ["contact", "identity"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"given_on": (TODAY + timedelta(days=3)).isoformat()}, "given_on"),
        ({"language": ""}, "language"),
        ({"sections": []}, "sections"),
        ({"sections": ["identity", "diary"]}, "sections"),
        ({"institution_types": ["casino"]}, "institution_types"),
    ],
)
def test_the_consent_page_shows_bad_input_on_the_field(client_for, override, field):
    world = World()
    case = world.case()
    data = {
        "purpose": "data_sharing",
        "given_on": TODAY.isoformat(),
        "language": "Serbian",
        "sections": ["identity"],
        "institution_types": ["shelter"],
        **override,
    }
    response = client_for(world.worker).post(f"/nrm/cases/{case.pk}/consents/new/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Consent.objects.filter(case=case).exists()


def test_the_withdraw_button_withdraws_and_outsiders_get_404(client_for):
    world = World()
    case = world.case()
    consent = world.consent(case)
    outsider = client_for(world.outsider)
    assert outsider.post(f"/nrm/consents/{consent.pk}/withdraw/").status_code == 404
    consent.refresh_from_db()
    assert consent.active
    response = client_for(world.worker).post(f"/nrm/consents/{consent.pk}/withdraw/")
    assert response.status_code == 302
    consent.refresh_from_db()
    assert not consent.active
