"""Referrals on need to know: who sends, answers and ends them, what is refused, and what
the receiving institution can read before acceptance, while accepted and afterwards."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.core.models import AuditEntry, Notification
from palermo.core.roles import Capability, Role, Section
from palermo.nrm.codes import DeadlineKind, ReferralState, ServiceType
from palermo.nrm.models import Consent, Deadline, Referral
from palermo.nrm.services import (
    consent_record,
    consent_withdraw,
    referral_accept,
    referral_complete,
    referral_decline,
    referral_end,
    referral_send,
    referral_withdraw,
    transition_apply,
)
from palermo.registry.access import scope_for
from palermo.registry.models import CaseAccess
from palermo.registry.tests.factories import register
from palermo.testing.factories import InstitutionFactory, member

from .factories import FIRST, LAST, STORY, World, api, fresh

pytestmark = pytest.mark.django_db

REASON = "The person moved to another town"


def sections_of(user, case) -> frozenset[str]:
    return scope_for(fresh(user)).case_sections(case)


def nothing_written(case) -> dict[str, int]:
    """Counts that a refused send must leave as they were."""
    return {
        "referrals": Referral.objects.filter(case=case).count(),
        "deadlines": Deadline.objects.filter(
            case=case, kind=DeadlineKind.REFERRAL_RESPONSE_DUE
        ).count(),
        "notifications": Notification.objects.filter(kind="referral.received").count(),
        "audit": AuditEntry.objects.filter(action="referral.sent").count(),
    }


# --- sending -------------------------------------------------------------------------


def test_sending_shares_the_chosen_sections_with_metadata_and_starts_the_answer_deadline():
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity", "health"], note="Needs a quiet room")
    assert referral.state == ReferralState.SENT
    assert referral.sections == ["health", "identity", "metadata"]
    assert referral.from_institution == world.csw
    assert referral.to_institution == world.shelter
    deadline = Deadline.objects.get(referral=referral)
    assert deadline.kind == DeadlineKind.REFERRAL_RESPONSE_DUE
    assert deadline.institution == world.shelter
    assert deadline.open
    entry = AuditEntry.objects.get(action="referral.sent", object_id=str(referral.pk))
    assert entry.fields == ["health", "identity", "metadata"]
    assert entry.flagged is False


def test_a_section_the_service_type_excludes_is_refused_on_sections_and_nothing_is_written():
    world = World()
    case = world.presumed()  # consent covers every section
    before = nothing_written(case)
    with pytest.raises(ValidationError) as exc:
        world.to_shelter(case, ["identity", "story"])  # a shelter has no need for the story
    assert list(exc.value.message_dict) == ["sections"]
    assert "Exploitation story" in exc.value.message_dict["sections"][0]
    assert nothing_written(case) == before


def test_a_section_the_consent_excludes_is_refused_on_sections_and_nothing_is_written():
    world = World()
    case = world.case()
    world.consent(case, sections=["identity"])
    before = nothing_written(case)
    with pytest.raises(ValidationError) as exc:
        world.to_shelter(case, ["identity", "health"])
    assert list(exc.value.message_dict) == ["sections"]
    assert "Health" in exc.value.message_dict["sections"][0]
    assert nothing_written(case) == before
    assert world.to_shelter(case, ["identity"]).sections == ["identity", "metadata"]


def test_consent_for_other_institution_types_does_not_cover_the_receiver():
    world = World()
    case = world.case()
    world.consent(case, types=("police",))
    with pytest.raises(ValidationError) as exc:
        world.to_shelter(case, ["identity"])
    assert "sections" in exc.value.message_dict
    assert not Referral.objects.filter(case=case).exists()
    world.consent(case, types=("shelter",))
    assert world.to_shelter(case, ["identity"]).state == ReferralState.SENT


def test_without_any_consent_a_non_urgent_referral_is_refused():
    world = World()
    case = world.case()
    with pytest.raises(ValidationError) as exc:
        world.to_shelter(case, [])
    assert "sections" in exc.value.message_dict
    assert not Referral.objects.filter(case=case).exists()


def test_a_section_the_sender_cannot_read_is_refused_on_sections():
    world = World()
    # The police register the case: an investigator reads no health section.
    case = register(world.investigator, FIRST, LAST)
    consent_record(
        actor=world.investigator,
        case=case,
        purpose="data_sharing",
        given_on=case.detection_date,
        language="sq",
        sections=["identity", "health"],
    )
    before = nothing_written(case)
    with pytest.raises(ValidationError) as exc:
        referral_send(
            actor=world.investigator,
            case=case,
            to_institution=world.shelter,
            service_type=ServiceType.SHELTER,
            sections=["identity", "health"],
        )
    assert list(exc.value.message_dict) == ["sections"]
    assert nothing_written(case) == before
    referral = referral_send(
        actor=world.investigator,
        case=case,
        to_institution=world.shelter,
        service_type=ServiceType.SHELTER,
        sections=["identity"],
    )
    assert referral.from_institution == world.police


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sections": ["identity", "diary"]}, "sections"),
        ({"service_type": "massage"}, "service_type"),
        ({"to_institution": "own"}, "to_institution"),
        ({"to_institution": "inactive"}, "to_institution"),
        ({"to_institution": "partner"}, "to_institution"),
    ],
)
def test_bad_referral_input_is_refused_on_the_field(change, field):
    world = World()
    case = world.presumed()
    institutions = {
        "own": world.csw,
        "inactive": InstitutionFactory(active=False, capabilities=(Capability.SHELTER,)),
        "partner": InstitutionFactory(capabilities=()),  # no personal data at all
    }
    kwargs = {
        "to_institution": world.shelter,
        "service_type": ServiceType.SHELTER,
        "sections": ["identity"],
        **change,
    }
    if isinstance(kwargs["to_institution"], str):
        kwargs["to_institution"] = institutions[kwargs["to_institution"]]
    before = nothing_written(case)
    with pytest.raises(ValidationError) as exc:
        referral_send(actor=world.worker, case=case, **kwargs)
    assert field in exc.value.message_dict
    assert nothing_written(case) == before


def test_an_identification_referral_goes_only_to_an_identifying_authority():
    world = World()
    case = world.presumed()
    with pytest.raises(ValidationError) as exc:
        world.to_shelter(case, ["identity"], service_type=ServiceType.IDENTIFICATION)
    assert "to_institution" in exc.value.message_dict
    assert not Referral.objects.filter(case=case).exists()
    # Without one, the case cannot be marked as referred (T3's guard).
    with pytest.raises(ValidationError):
        transition_apply(actor=world.worker, case=case, to_state="referred")
    case.refresh_from_db()
    assert case.state == "presumed_victim"


def test_T3_counts_only_a_referral_that_reached_an_identifying_authority():
    world = World()
    case = world.presumed()
    # A referral sent before the shelter's capabilities changed does not count either.
    world.shelter.capabilities.create(capability=Capability.IDENTIFYING_AUTHORITY)
    referral = world.to_shelter(case, ["identity"], service_type=ServiceType.IDENTIFICATION)
    world.shelter.capabilities.filter(capability=Capability.IDENTIFYING_AUTHORITY).delete()
    assert referral.state == ReferralState.SENT
    with pytest.raises(ValidationError):
        transition_apply(actor=world.worker, case=case, to_state="referred")
    case.refresh_from_db()
    assert case.state == "presumed_victim"


def test_a_closed_case_cannot_be_referred():
    world = World()
    case = world.presumed()
    transition_apply(
        actor=world.csw_supervisor,
        case=case,
        to_state="closed",
        data={"closure_reason": "lost_contact"},
    )
    with pytest.raises(ValidationError):
        world.to_shelter(case, ["identity"])
    assert not Referral.objects.filter(case=case).exists()


def test_only_a_holder_of_the_case_with_a_sending_role_refers_it():
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity"], accept=True)
    # The shelter reads the case through the referral but does not hold it: no onward sending.
    with pytest.raises(PermissionDenied):
        referral_send(
            actor=world.shelter_worker,
            case=case,
            to_institution=world.police,
            service_type=ServiceType.IDENTIFICATION,
            sections=["identity"],
        )
    registrar = member(Role.REGISTRAR, institution=world.csw)
    with pytest.raises(PermissionDenied):
        referral_send(
            actor=registrar,
            case=case,
            to_institution=world.shelter,
            service_type=ServiceType.SHELTER,
            sections=["identity"],
        )
    assert Referral.objects.filter(case=case).count() == 1


# --- urgent risk to life -------------------------------------------------------------


def test_an_urgent_referral_without_consent_needs_a_justification_and_is_flagged():
    world = World()
    case = world.case()  # no consent on record
    with pytest.raises(ValidationError) as exc:
        world.to_shelter(case, ["identity", "location"], urgent_without_consent=True)
    assert "urgency_justification" in exc.value.message_dict
    assert not Referral.objects.filter(case=case).exists()
    referral = world.to_shelter(
        case,
        ["identity", "location"],
        urgent_without_consent=True,
        urgency_justification="The trafficker found her address yesterday",
    )
    assert referral.urgent_without_consent
    entry = AuditEntry.objects.get(action="referral.sent", object_id=str(referral.pk))
    assert entry.flagged is True


def test_urgency_does_not_lift_the_service_type_limit():
    world = World()
    case = world.case()
    with pytest.raises(ValidationError) as exc:
        world.to_shelter(
            case,
            ["identity", "story"],
            urgent_without_consent=True,
            urgency_justification="The trafficker found her address yesterday",
        )
    assert "sections" in exc.value.message_dict


# --- answering -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["shelter_worker", "shelter_supervisor"])
def test_the_receivers_intake_roles_accept(who):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    actor = getattr(world, who)
    referral = referral_accept(actor=actor, referral=referral)
    assert referral.state == ReferralState.ACCEPTED
    assert referral.responded_by == actor
    access = CaseAccess.objects.get(referral_id=referral.pk)
    assert access.institution == world.shelter
    assert access.source == CaseAccess.Source.REFERRAL
    assert access.sections == ["identity", "metadata"]


@pytest.mark.parametrize("who", ["shelter_registrar", "shelter_investigator", "sender", "police"])
@pytest.mark.parametrize("action", ["accept", "decline"])
def test_nobody_else_accepts_or_declines(who, action):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    actor = {
        "shelter_registrar": lambda: member(Role.REGISTRAR, institution=world.shelter),
        "shelter_investigator": lambda: member(Role.INVESTIGATOR, institution=world.shelter),
        "sender": lambda: world.worker,
        "police": lambda: world.police_supervisor,
    }[who]()
    answer = {
        "accept": lambda: referral_accept(actor=actor, referral=referral),
        "decline": lambda: referral_decline(actor=actor, referral=referral, reason=REASON),
    }[action]
    with pytest.raises(PermissionDenied):
        answer()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert not CaseAccess.objects.filter(referral_id=referral.pk).exists()


@pytest.mark.parametrize("reason", ["", "   ", "no"])
def test_a_decline_without_a_reason_is_refused_and_changes_nothing(reason):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    with pytest.raises(ValidationError) as exc:
        referral_decline(actor=world.shelter_worker, referral=referral, reason=reason)
    assert list(exc.value.message_dict) == ["reason"]
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert referral.reason == ""
    assert referral.responded_by is None
    assert Deadline.objects.get(referral=referral).open
    assert not AuditEntry.objects.filter(action="referral.declined").exists()


def test_a_decline_with_a_reason_closes_the_referral_and_meets_its_deadline():
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    referral = referral_decline(actor=world.shelter_supervisor, referral=referral, reason=REASON)
    assert referral.state == ReferralState.DECLINED
    assert referral.reason == REASON
    assert Deadline.objects.get(referral=referral).met_at is not None
    assert not CaseAccess.objects.filter(referral_id=referral.pk).exists()
    assert sections_of(world.shelter_worker, case) == frozenset()


def test_answered_referrals_cannot_be_answered_again():
    world = World()
    case = world.presumed()
    accepted = world.to_shelter(case, ["identity"], accept=True)
    with pytest.raises(ValidationError) as exc:
        referral_decline(actor=world.shelter_worker, referral=accepted, reason=REASON)
    assert "state" in exc.value.message_dict
    with pytest.raises(ValidationError):
        referral_accept(actor=world.shelter_worker, referral=accepted)
    assert CaseAccess.objects.filter(referral_id=accepted.pk).count() == 1
    declined = world.to_shelter(case, ["identity"])
    referral_decline(actor=world.shelter_worker, referral=declined, reason=REASON)
    with pytest.raises(ValidationError):
        referral_accept(actor=world.shelter_worker, referral=declined)
    declined.refresh_from_db()
    assert declined.state == ReferralState.DECLINED


# --- withdrawing, completing, ending ---------------------------------------------------


@pytest.mark.parametrize("accepted", [False, True])
def test_the_sender_withdraws_with_a_reason(accepted):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"], accept=accepted)
    with pytest.raises(ValidationError) as exc:
        referral_withdraw(actor=world.worker, referral=referral, reason="")
    assert "reason" in exc.value.message_dict
    referral = referral_withdraw(actor=world.worker, referral=referral, reason=REASON)
    assert referral.state == ReferralState.WITHDRAWN
    assert referral.closed_at is not None
    assert not Deadline.objects.filter(referral=referral, met_at=None, cancelled_at=None).exists()
    assert sections_of(world.shelter_worker, case) == frozenset()


@pytest.mark.parametrize("who", ["receiver", "sender_registrar", "outsider"])
def test_only_the_sender_withdraws(who):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"], accept=True)
    actor = {
        "receiver": lambda: world.shelter_supervisor,
        "sender_registrar": lambda: member(Role.REGISTRAR, institution=world.csw),
        "outsider": lambda: world.outsider,
    }[who]()
    with pytest.raises(PermissionDenied):
        referral_withdraw(actor=actor, referral=referral, reason=REASON)
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


@pytest.mark.parametrize("who", ["worker", "shelter_worker"])
def test_either_party_completes_or_ends_an_accepted_referral(who):
    world = World()
    case = world.presumed()
    actor = getattr(world, who)
    first = world.to_shelter(case, ["identity"], accept=True)
    assert referral_complete(actor=actor, referral=first).state == ReferralState.COMPLETED
    second = world.to_shelter(case, ["identity"], accept=True)
    with pytest.raises(ValidationError) as exc:
        referral_end(actor=actor, referral=second, reason="")
    assert "reason" in exc.value.message_dict
    second.refresh_from_db()
    assert second.state == ReferralState.ACCEPTED
    ended = referral_end(actor=actor, referral=second, reason=REASON)
    assert ended.state == ReferralState.ENDED
    assert ended.reason == REASON
    assert not CaseAccess.objects.filter(case=case, source="referral", revoked_at=None).exists()


def test_a_third_institution_cannot_complete_or_end():
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"], accept=True)
    with pytest.raises(PermissionDenied):
        referral_complete(actor=world.outsider, referral=referral)
    with pytest.raises(PermissionDenied):
        referral_end(actor=world.police_supervisor, referral=referral, reason=REASON)
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


def test_only_an_accepted_referral_is_completed_or_ended():
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    with pytest.raises(ValidationError):
        referral_complete(actor=world.worker, referral=referral)
    with pytest.raises(ValidationError):
        referral_end(actor=world.shelter_worker, referral=referral, reason=REASON)
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


# --- the receiver's scope --------------------------------------------------------------


def test_before_acceptance_the_receiver_sees_the_referral_but_not_the_case(client_for):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity", "health"], note="Arrives by bus at 18:00")
    web = client_for(world.shelter_worker)
    page = web.get(f"/nrm/referrals/{referral.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html
    assert FIRST not in html
    assert LAST not in html
    assert "Arrives by bus" not in html  # the note is content, not metadata
    assert web.get(f"/registry/cases/{case.pk}/").status_code == 404
    assert case.reference not in web.get("/registry/cases/").content.decode()
    assert api(world.shelter_worker).get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert sections_of(world.shelter_worker, case) == frozenset()


def test_while_accepted_the_receiver_reads_exactly_the_shared_sections(client_for):
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity", "contact", "health"], accept=True)
    assert sections_of(world.shelter_worker, case) == {
        Section.METADATA,
        Section.IDENTITY,
        Section.CONTACT,
        Section.HEALTH,
    }
    web = client_for(world.shelter_worker)
    html = web.get(f"/registry/cases/{case.pk}/").content.decode()
    assert f"{FIRST} {LAST}" in html
    assert STORY not in html
    listing = web.get("/registry/cases/").content.decode()
    assert case.reference in listing
    assert f"{FIRST} {LAST}" in listing
    body = api(world.shelter_worker).get(f"/api/v1/cases/{case.pk}")
    assert body.status_code == 200
    assert body.json()["sections"] == ["contact", "health", "identity", "metadata"]
    assert body.json()["display_name"] == f"{FIRST} {LAST}"
    assert STORY not in body.content.decode()


def test_a_shelter_referral_with_identity_and_location_shows_the_name_not_the_story(client_for):
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity", "location"], accept=True)
    # Location needs the case team even when shared (users.md): the shelter reads the name.
    assert sections_of(world.shelter_worker, case) == {Section.METADATA, Section.IDENTITY}
    html = client_for(world.shelter_worker).get(f"/registry/cases/{case.pk}/").content.decode()
    assert f"{FIRST} {LAST}" in html
    assert STORY not in html
    assert "h-story" not in html


def test_the_shared_sections_are_read_by_the_roles_that_read_them(client_for):
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity", "health"], accept=True)
    shelter_registrar = member(Role.REGISTRAR, institution=world.shelter)
    # A registrar reads no health section anywhere; the referral does not widen roles.
    assert sections_of(shelter_registrar, case) == {Section.METADATA, Section.IDENTITY}


def test_a_childs_identity_is_not_shared_outside_the_case_team():
    world = World()
    case = world.case(child=True)
    world.consent(case)
    world.to_shelter(case, ["identity", "health"], accept=True)
    assert sections_of(world.shelter_worker, case) == {Section.METADATA, Section.HEALTH}


def test_an_accepted_referral_never_grants_more_than_its_sections():
    """An access row without sections means "every section" to the registry: a referral whose
    list was emptied outside the service must still grant metadata only."""
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    Referral.objects.filter(pk=referral.pk).update(sections=[])
    referral_accept(actor=world.shelter_worker, referral=referral)
    assert sections_of(world.shelter_worker, case) == {Section.METADATA}


def test_a_receiver_of_a_health_referral_reads_no_free_text_reasons_of_the_timeline(client_for):
    world = World()
    case = world.presumed()
    transition_apply(
        actor=world.csw_supervisor,
        case=case,
        to_state="closed",
        data={"closure_reason": "other", "reason": "She said Besnik is looking for her"},
    )
    transition_apply(
        actor=world.csw_supervisor,
        case=case,
        to_state="presumed_victim",
        data={"reason": "Besnik was arrested; she came back"},
    )
    world.to_shelter(case, ["health"], accept=True)
    html = client_for(world.shelter_worker).get(f"/registry/cases/{case.pk}/").content.decode()
    assert "Besnik" not in html


@pytest.mark.parametrize("how", ["complete", "end", "withdraw"])
def test_after_the_referral_ends_the_receiver_reads_nothing(client_for, how):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity", "health"], accept=True)
    web = client_for(world.shelter_worker)
    assert web.get(f"/registry/cases/{case.pk}/").status_code == 200
    if how == "complete":
        referral_complete(actor=world.shelter_worker, referral=referral)
    elif how == "end":
        referral_end(actor=world.worker, referral=referral, reason=REASON)
    else:
        referral_withdraw(actor=world.worker, referral=referral, reason=REASON)
    assert web.get(f"/registry/cases/{case.pk}/").status_code == 404
    assert api(world.shelter_worker).get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert case.reference not in web.get("/registry/cases/").content.decode()
    assert sections_of(world.shelter_worker, case) == frozenset()
    # The referral itself stays in the receiver's history (metadata).
    assert web.get(f"/nrm/referrals/{referral.pk}/").status_code == 200


def test_withdrawing_the_data_sharing_consent_ends_sharing_at_once(client_for):
    world = World()
    case = world.presumed()
    accepted = world.to_shelter(case, ["identity"], accept=True)
    pending = referral_send(
        actor=world.worker,
        case=case,
        to_institution=world.police,
        service_type=ServiceType.IDENTIFICATION,
        sections=["identity", "story"],
    )
    web = client_for(world.shelter_worker)
    assert web.get(f"/registry/cases/{case.pk}/").status_code == 200
    consent_withdraw(actor=world.worker, consent=Consent.objects.get(case=case))
    assert web.get(f"/registry/cases/{case.pk}/").status_code == 404
    assert api(world.shelter_worker).get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert sections_of(world.shelter_worker, case) == frozenset()
    for referral in (accepted, pending):
        referral.refresh_from_db()
        assert referral.state == ReferralState.ENDED
        assert referral.closed_at is not None
    # The police no longer have a referral to answer.
    assert not Deadline.objects.filter(referral=pending, met_at=None, cancelled_at=None).exists()
    with pytest.raises(ValidationError):
        referral_accept(actor=world.police_supervisor, referral=pending)
    entry = AuditEntry.objects.get(action="consent.withdrawn")
    assert {str(accepted.pk), str(pending.pk)} <= set(entry.ids)


def test_sharing_continues_while_another_consent_still_covers_it():
    world = World()
    case = world.case()
    general = world.consent(case, sections=["identity", "health"])
    world.consent(case, sections=["identity"], types=("shelter",))
    referral = world.to_shelter(case, ["identity"], accept=True)
    consent_withdraw(actor=world.worker, consent=general)
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert sections_of(world.shelter_worker, case) == {Section.METADATA, Section.IDENTITY}


def test_an_urgent_referral_is_not_based_on_consent_and_outlives_its_withdrawal():
    """What the code does: a risk-to-life referral was made without consent, so withdrawing
    a consent does not end it; the exception stays flagged for the auditor."""
    world = World()
    case = world.case()
    consent = world.consent(case)
    urgent = world.to_shelter(
        case,
        ["identity"],
        urgent_without_consent=True,
        urgency_justification="The trafficker found her address yesterday",
        accept=True,
    )
    ordinary = world.to_shelter(case, ["health"], accept=True)
    consent_withdraw(actor=world.worker, consent=consent)
    urgent.refresh_from_db()
    ordinary.refresh_from_db()
    assert urgent.state == ReferralState.ACCEPTED
    assert ordinary.state == ReferralState.ENDED
    assert sections_of(world.shelter_worker, case) == {Section.METADATA, Section.IDENTITY}
    sent = AuditEntry.objects.get(action="referral.sent", object_id=str(urgent.pk))
    assert sent.flagged is True
    withdrawn = AuditEntry.objects.get(action="consent.withdrawn")
    assert str(urgent.pk) not in withdrawn.ids
    assert str(ordinary.pk) in withdrawn.ids


def test_a_receiver_gets_no_controls_that_only_holders_may_use(client_for):
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity"], accept=True)
    receiver = (
        client_for(world.shelter_supervisor).get(f"/registry/cases/{case.pk}/").content.decode()
    )
    holder = client_for(world.csw_supervisor).get(f"/registry/cases/{case.pk}/").content.decode()
    for control in ("Add someone to the team", "Transfer the lead", "Seal the case"):
        assert control not in receiver, control
        assert control in holder, control


@pytest.mark.parametrize("ending", ["withdrawn", "consent withdrawn"])
def test_a_team_member_keeps_the_case_when_their_institutions_referral_ends(ending):
    """The shelter's worker is on the case team; the shelter's accepted referral made the
    case the shelter's too. When the referral ends the worker still opens it, by the team
    (``CaseTeamMember.beyond_hold`` follows each change of access)."""
    from palermo.registry.access import visible_cases
    from palermo.registry.models import CaseTeamMember
    from palermo.registry.services import team_add

    world = World()
    case = world.case()
    consent = world.consent(case)
    team_add(
        actor=world.csw_supervisor,
        case=case,
        user=world.shelter_worker,
        institution=world.shelter,
    )

    def beyond_hold() -> bool:
        return CaseTeamMember.objects.get(case=case, user=world.shelter_worker).beyond_hold

    assert beyond_hold()
    referral = world.to_shelter(case, accept=True)
    assert not beyond_hold()
    if ending == "withdrawn":
        referral_withdraw(actor=world.worker, referral=referral, reason=REASON)
    else:
        consent_withdraw(actor=world.csw_supervisor, consent=consent)
    assert beyond_hold()
    assert list(visible_cases(fresh(world.shelter_worker))) == [case]


# --- the institution filter's shares -----------------------------------------------------


def test_an_accepted_referral_shares_the_case_until_it_ends_or_consent_is_withdrawn(client_for):
    """Both institutions list the case under each other's name while the referral is
    accepted (``CaseShare``), and no longer once it ends or its consent is withdrawn."""
    from palermo.nrm.services import consent_withdraw
    from palermo.registry.models import CaseShare

    world = World()
    sender, receiver = client_for(world.worker), client_for(world.shelter_worker)

    def filtered(client, institution) -> list:
        page = client.get("/registry/cases/", {"institution": institution.pk})
        return [row.case.pk for row in page.context["rows"]]

    def shared(case) -> set:
        return set(CaseShare.objects.filter(case=case).values_list("institution_id", "other_id"))

    pair = tuple(sorted((world.csw.pk, world.shelter.pk)))
    ended = world.presumed()
    referral = world.to_shelter(ended, ["identity"], accept=True)
    assert shared(ended) == {pair}
    assert filtered(sender, world.shelter) == [ended.pk]
    assert filtered(receiver, world.csw) == [ended.pk]
    referral_end(actor=world.worker, referral=referral, reason=REASON)
    assert shared(ended) == set()
    assert filtered(sender, world.shelter) == []
    assert filtered(receiver, world.csw) == []

    withdrawn = world.presumed()
    world.to_shelter(withdrawn, ["identity"], accept=True)
    assert shared(withdrawn) == {pair}
    consent = Consent.objects.get(case=withdrawn)
    consent_withdraw(actor=world.worker, consent=consent)
    assert shared(withdrawn) == set()
    assert filtered(sender, world.shelter) == []
