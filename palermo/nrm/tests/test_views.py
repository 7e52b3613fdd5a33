"""The NRM pages: the case panel's next steps, the transition page per rule, and the referral
pages (new, detail with its answers, received and sent lists)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from palermo.core.roles import Role
from palermo.nrm.codes import ReferralState, ServiceType
from palermo.nrm.models import Referral
from palermo.nrm.services import referral_send, transition_apply
from palermo.registry.models import CaseEvent
from palermo.testing.factories import member

from .factories import FIRST, LAST, World

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def transition_links(html: str, case) -> set[str]:
    return set(re.findall(rf'href="/nrm/cases/{case.pk}/to/([a-z_]+)/"', html))


def form_fields(response) -> set[str]:
    """The transition form's fields, each of which the page renders as an input."""
    names = set(response.context["form"].fields)
    html = response.content.decode()
    assert all(f'name="{name}"' in html for name in names)
    return names


# --- the case panel --------------------------------------------------------------------------


def test_the_case_panel_links_exactly_the_allowed_transitions(client_for):
    world = World()
    case = world.presumed()
    page = lambda user: client_for(user).get(f"/registry/cases/{case.pk}/").content.decode()  # noqa: E731
    assert transition_links(page(world.worker), case) == {"referred"}
    assert transition_links(page(world.csw_supervisor), case) == {"closed"}
    world.to_shelter(case, ["identity"], accept=True)
    assert transition_links(page(world.shelter_worker), case) == set()


def test_the_panel_offers_referral_and_consent_only_to_holders(client_for):
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity"], accept=True)
    own = client_for(world.worker).get(f"/registry/cases/{case.pk}/").content.decode()
    assert f"/nrm/cases/{case.pk}/referrals/new/" in own
    assert f"/nrm/cases/{case.pk}/consents/new/" in own
    shelter = client_for(world.shelter_worker).get(f"/registry/cases/{case.pk}/").content.decode()
    assert f"/nrm/cases/{case.pk}/referrals/new/" not in shelter
    assert f"/nrm/cases/{case.pk}/consents/new/" not in shelter


# --- the transition page ---------------------------------------------------------------------


def _not_identified(world):
    case = world.reflecting()
    return transition_apply(
        actor=world.police_supervisor,
        case=case,
        to_state="not_identified",
        data={
            "decision_date": TODAY.isoformat(),
            "decision_body": "Panel",
            "grounds": "No indicators",
            "person_notified_on": TODAY.isoformat(),
        },
    )


def _closed(world):
    return transition_apply(
        actor=world.csw_supervisor,
        case=world.presumed(),
        to_state="closed",
        data={"closure_reason": "lost_contact"},
    )


SETUPS = {"not_identified": _not_identified, "closed": _closed}


@pytest.mark.parametrize(
    ("setup", "who", "to_state", "fields"),
    [
        ("case", "worker", "presumed_victim", set()),
        ("referred", "police_supervisor", "recovery_reflection", {"start_date", "end_date"}),
        (
            "referred",
            "police_supervisor",
            "identified",
            {"decision_date", "decision_body", "grounds"},
        ),
        (
            "referred",
            "police_supervisor",
            "not_identified",
            {"decision_date", "decision_body", "grounds", "person_notified_on"},
        ),
        ("presumed", "csw_supervisor", "closed", {"closure_reason", "reason"}),
        ("not_identified", "csw_supervisor", "referred", {"reason"}),
        ("closed", "csw_supervisor", "presumed_victim", {"reason"}),
    ],
)
def test_the_transition_page_asks_for_the_rules_fields(client_for, setup, who, to_state, fields):
    world = World()
    case = SETUPS[setup](world) if setup in SETUPS else getattr(world, setup)()
    response = client_for(getattr(world, who)).get(f"/nrm/cases/{case.pk}/to/{to_state}/")
    assert response.status_code == 200
    assert form_fields(response) == fields


def test_a_transition_without_fields_is_applied_by_a_bare_post(client_for):
    world = World()
    case = world.case()
    response = client_for(world.worker).post(f"/nrm/cases/{case.pk}/to/presumed_victim/")
    assert response.status_code == 302
    assert response["Location"] == f"/registry/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.state == "presumed_victim"


def test_a_reflection_period_ending_too_early_is_shown_on_the_end_date(client_for):
    world = World()
    case = world.referred()
    events = CaseEvent.objects.filter(case=case).count()
    response = client_for(world.police_supervisor).post(
        f"/nrm/cases/{case.pk}/to/recovery_reflection/",
        {"start_date": TODAY.isoformat(), "end_date": (TODAY + timedelta(days=29)).isoformat()},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["end_date"]
    assert "30 days" in form.errors["end_date"][0]
    assert "30 days" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "referred"
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_reflection_period_of_thirty_days_is_started(client_for):
    world = World()
    case = world.referred()
    response = client_for(world.police_supervisor).post(
        f"/nrm/cases/{case.pk}/to/recovery_reflection/",
        {"start_date": TODAY.isoformat(), "end_date": (TODAY + timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "recovery_reflection"


@pytest.mark.parametrize(
    ("setup", "who", "to_state", "data", "field"),
    [
        ("referred", "police_supervisor", "identified", {"decision_body": "Panel"}, "grounds"),
        (
            "referred",
            "police_supervisor",
            "identified",
            {
                "decision_date": (TODAY + timedelta(days=1)).isoformat(),
                "decision_body": "Panel",
                "grounds": "Indicators confirmed",
            },
            "decision_date",
        ),
        ("presumed", "csw_supervisor", "closed", {"closure_reason": "other"}, "reason"),
        ("presumed", "csw_supervisor", "closed", {"closure_reason": "bored"}, "closure_reason"),
    ],
)
def test_bad_transition_input_is_shown_on_the_field_with_400(
    client_for, setup, who, to_state, data, field
):
    world = World()
    case = getattr(world, setup)()
    state = case.state
    response = client_for(getattr(world, who)).post(f"/nrm/cases/{case.pk}/to/{to_state}/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    case.refresh_from_db()
    assert case.state == state


def test_a_guard_that_fails_is_shown_on_the_page(client_for):
    world = World()
    case = world.presumed()  # no referral to the identifying authority yet
    response = client_for(world.worker).post(f"/nrm/cases/{case.pk}/to/referred/")
    assert response.status_code == 400
    assert "Send a referral to the identifying authority first." in response.content.decode()
    case.refresh_from_db()
    assert case.state == "presumed_victim"


def test_transition_pages_refuse_the_wrong_people_and_pairs(client_for):
    world = World()
    case = world.presumed()
    assert client_for(world.worker).get(f"/nrm/cases/{case.pk}/to/identified/").status_code == 404
    assert client_for(world.worker).get(f"/nrm/cases/{case.pk}/to/closed/").status_code == 403
    outsider = client_for(world.outsider)
    assert outsider.get(f"/nrm/cases/{case.pk}/to/closed/").status_code == 404
    assert (
        outsider.post(f"/nrm/cases/{case.pk}/to/closed/", {"closure_reason": "lost_contact"})
    ).status_code == 404
    case.refresh_from_db()
    assert case.state == "presumed_victim"


def test_a_transition_on_a_case_read_through_a_referral_is_forbidden(client_for):
    world = World()
    case = world.case()
    world.consent(case)
    world.to_shelter(case, ["identity"], accept=True)
    response = client_for(world.shelter_worker).post(f"/nrm/cases/{case.pk}/to/presumed_victim/")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "detected"


# --- referral pages ----------------------------------------------------------------------------


def test_the_new_referral_page_offers_other_institutions_and_sections(client_for):
    world = World()
    case = world.presumed()
    response = client_for(world.worker).get(f"/nrm/cases/{case.pk}/referrals/new/")
    assert response.status_code == 200
    form = response.context["form"]
    offered = set(form.fields["to_institution"].queryset)
    assert {world.shelter, world.police} <= offered
    assert world.csw not in offered
    assert "metadata" not in {value for value, _label in form.fields["sections"].choices}


def test_sending_a_referral_from_the_page(client_for):
    world = World()
    case = world.presumed()
    response = client_for(world.worker).post(
        f"/nrm/cases/{case.pk}/referrals/new/",
        {
            "to_institution": world.shelter.pk,
            "service_type": ServiceType.SHELTER,
            "sections": ["identity", "health"],
            "note": "Arrives by bus",
        },
    )
    referral = Referral.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == f"/nrm/referrals/{referral.pk}/"
    assert referral.sections == ["health", "identity", "metadata"]


@pytest.mark.parametrize(
    ("consent_sections", "data", "field"),
    [
        (None, {"sections": ["identity", "story"]}, "sections"),  # the service type excludes it
        (["identity"], {"sections": ["identity", "health"]}, "sections"),  # the consent does
        ("none", {"sections": ["identity"]}, "sections"),  # no consent at all
        (None, {"sections": ["identity", "diary"]}, "sections"),
        (None, {"service_type": "massage"}, "service_type"),
        (None, {"urgent_without_consent": "on"}, "urgency_justification"),
    ],
)
def test_a_refused_referral_is_shown_on_the_field(client_for, consent_sections, data, field):
    world = World()
    case = world.case()
    if consent_sections is None:
        world.consent(case)
    elif consent_sections != "none":
        world.consent(case, sections=consent_sections)
    response = client_for(world.worker).post(
        f"/nrm/cases/{case.pk}/referrals/new/",
        {
            "to_institution": world.shelter.pk,
            "service_type": ServiceType.SHELTER,
            "sections": ["identity"],
            **data,
        },
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Referral.objects.exists()


def test_the_receiver_answers_from_the_referral_page(client_for):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    receiver = client_for(world.shelter_worker)
    html = receiver.get(f"/nrm/referrals/{referral.pk}/").content.decode()
    base = f"/nrm/referrals/{referral.pk}"
    assert f"{base}/accept/" in html
    assert f"{base}/decline/" in html
    assert f"{base}/withdraw/" not in html
    assert f"{base}/complete/" not in html
    assert "Accept the referral to see the shared parts of the case." in html
    refused = receiver.post(f"{base}/decline/", {"reason": ""}, follow=True)
    assert refused.status_code == 200
    assert "at least 10 characters" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert receiver.post(f"{base}/accept/").status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    html = receiver.get(f"{base}/").content.decode()
    assert f"/registry/cases/{case.pk}/" in html  # "Open the case"
    assert f"{base}/complete/" in html
    assert f"{base}/end/" in html
    assert f"{base}/accept/" not in html


def test_the_sender_withdraws_from_the_referral_page_and_cannot_answer(client_for):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    sender = client_for(world.worker)
    base = f"/nrm/referrals/{referral.pk}"
    html = sender.get(f"{base}/").content.decode()
    assert f"{base}/withdraw/" in html
    assert f"{base}/accept/" not in html
    assert f"{base}/decline/" not in html
    assert sender.post(f"{base}/accept/").status_code == 403
    assert (
        sender.post(f"{base}/withdraw/", {"reason": "Sent to the wrong shelter"}).status_code == 302
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    html = sender.get(f"{base}/").content.decode()
    assert f"{base}/withdraw/" not in html


def test_the_urgency_justification_is_not_shown_to_the_receiver_before_acceptance(client_for):
    world = World()
    case = world.case()
    referral = world.to_shelter(
        case,
        ["identity"],
        urgent_without_consent=True,
        urgency_justification="Her uncle Besnik threatened her yesterday",
    )
    receiver = client_for(world.shelter_worker)
    html = receiver.get(f"/nrm/referrals/{referral.pk}/").content.decode()
    assert "Urgent" in html
    assert "Besnik" not in html
    assert (
        "Besnik" in client_for(world.worker).get(f"/nrm/referrals/{referral.pk}/").content.decode()
    )


def test_referral_pages_of_others_are_404(client_for):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    outsider = client_for(world.outsider)
    assert outsider.get(f"/nrm/referrals/{referral.pk}/").status_code == 404
    assert outsider.post(f"/nrm/referrals/{referral.pk}/accept/").status_code == 404
    assert (
        client_for(world.police_supervisor).get(f"/nrm/referrals/{referral.pk}/").status_code == 404
    )
    sender = client_for(world.worker)
    assert sender.post(f"/nrm/referrals/{referral.pk}/fly/").status_code == 404
    assert sender.get(f"/nrm/referrals/{referral.pk}/withdraw/").status_code == 405
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_the_referral_list_has_received_and_sent_tabs(client_for):
    world = World()
    case = world.presumed()
    to_shelter = world.to_shelter(case, ["identity"])
    to_police = referral_send(
        actor=world.worker,
        case=case,
        to_institution=world.police,
        service_type=ServiceType.IDENTIFICATION,
        sections=["identity"],
    )

    def listed(user, box):
        response = client_for(user).get(f"/nrm/referrals/?box={box}")
        assert response.status_code == 200
        html = response.content.decode()
        assert FIRST not in html
        assert LAST not in html
        return {r.pk for r in response.context["page"]}

    assert listed(world.worker, "outgoing") == {to_shelter.pk, to_police.pk}
    assert listed(world.worker, "incoming") == set()
    assert listed(world.shelter_worker, "incoming") == {to_shelter.pk}
    assert listed(world.shelter_worker, "outgoing") == set()
    assert listed(world.police_supervisor, "incoming") == {to_police.pk}
    assert listed(world.outsider, "incoming") == set()
    default = client_for(world.shelter_worker).get("/nrm/referrals/")
    assert {r.pk for r in default.context["page"]} == {to_shelter.pk}


def test_roles_without_referrals_get_403_on_the_list(client_for):
    world = World()
    assert client_for(world.coordinator).get("/nrm/referrals/").status_code == 403
    analyst = member(Role.ANALYST, institution=world.csw)
    assert client_for(analyst).get("/nrm/referrals/").status_code == 403


def test_the_referral_list_page_does_not_grow_queries_with_rows(
    client_for, django_assert_max_num_queries
):
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity"])
    web = client_for(world.shelter_worker)
    with django_assert_max_num_queries(60) as few:
        assert len(web.get("/nrm/referrals/").context["page"]) == 1
    for _ in range(6):
        world.to_shelter(world.presumed(), ["identity"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(web.get("/nrm/referrals/").context["page"]) == 7


def test_the_referral_page_gives_each_reason_field_its_own_label(client_for):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"], accept=True)
    # The sender of an accepted referral may withdraw it or end it: two reason fields.
    html = client_for(world.worker).get(f"/nrm/referrals/{referral.pk}/").content.decode()
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert html.count('name="reason"') == 2
    for target in re.findall(r'<label for="([^"]+)"', html):
        assert target in ids
