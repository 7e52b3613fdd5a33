"""The "action needed" items on each user's dashboard (overdue first, gone when done) and the
coordinator's oversight of deadlines across institutions (metadata only, no sealed case)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from palermo.core.roles import Role
from palermo.nrm.codes import DeadlineKind, ServiceType
from palermo.nrm.models import Deadline
from palermo.nrm.services import referral_accept, referral_send, transition_apply
from palermo.registry.services import case_seal
from palermo.testing.factories import member

from .factories import FIRST, LAST, World, personal_data

pytestmark = pytest.mark.django_db


def action_items(client) -> list:
    response = client.get("/")
    assert response.status_code == 200
    (panel,) = [p for p in response.context["panels"] if str(p.title) == "Action needed"]
    return panel.context["items"]


def labels(client) -> list[str]:
    return [str(item.label) for item in action_items(client)]


def overdue(case, kind, hours: int = 1) -> None:
    Deadline.objects.filter(case=case, kind=kind).update(
        due_at=timezone.now() - timedelta(hours=hours)
    )


def test_the_case_worker_sees_what_to_do_on_their_cases(client_for):
    world = World()
    case = world.presumed()
    assert sorted(labels(client_for(world.worker))) == sorted(
        [
            f"Refer case {case.reference} to the identifying authority",
            f"Needs assessment for case {case.reference}",
        ]
    )


def test_overdue_items_come_first_and_are_marked(client_for):
    world = World()
    first = world.presumed()
    second = world.presumed()
    overdue(second, DeadlineKind.NEEDS_ASSESSMENT_DUE, hours=2)
    overdue(first, DeadlineKind.NEEDS_ASSESSMENT_DUE, hours=5)
    web = client_for(world.worker)
    items = action_items(web)
    assert [i.overdue for i in items] == [True, True, False, False]
    assert str(items[0].label) == f"Needs assessment for case {first.reference}"
    assert str(items[1].label) == f"Needs assessment for case {second.reference}"
    html = web.get("/").content.decode()
    assert html.index("Overdue") < html.index(f"Refer case {first.reference}")


def test_an_item_disappears_when_it_is_done(client_for):
    world = World()
    case = world.presumed()
    web = client_for(world.worker)
    referral_send(
        actor=world.worker,
        case=case,
        to_institution=world.police,
        service_type=ServiceType.IDENTIFICATION,
        sections=["identity"],
    )
    transition_apply(actor=world.worker, case=case, to_state="referred")
    assert labels(web) == [f"Needs assessment for case {case.reference}"]


def test_the_receiving_institution_is_asked_to_answer_a_referral_until_it_does(client_for):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    for user in (world.shelter_worker, world.shelter_supervisor):
        items = action_items(client_for(user))
        assert [str(i.label) for i in items] == [f"Answer the referral of case {case.reference}"]
        assert items[0].url == f"/nrm/referrals/{referral.pk}/"
    html = client_for(world.shelter_worker).get("/").content.decode()
    assert FIRST not in html
    assert LAST not in html
    referral_accept(actor=world.shelter_worker, referral=referral)
    assert labels(client_for(world.shelter_worker)) == []


def test_items_go_to_the_roles_that_act_on_them(client_for):
    world = World()
    case = world.reflecting()
    reflection = f"Reflection period of case {case.reference} ends: decide on identification"
    assert labels(client_for(world.police_supervisor)) == [reflection]
    assert reflection not in labels(client_for(world.worker))  # not the CSW's decision
    registrar = member(Role.REGISTRAR, institution=world.csw)
    assert labels(client_for(registrar)) == []  # a registrar does no assessment
    assert labels(client_for(world.outsider)) == []
    assert labels(client_for(world.coordinator)) == []


def test_a_sealed_cases_items_stay_with_its_named_users_only(client_for):
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity"])
    case_seal(
        actor=world.csw_supervisor,
        case=case,
        reason="An official is suspected of involvement",
        named_users=[world.worker],
    )
    assert len(labels(client_for(world.worker))) == 2
    assert labels(client_for(member(Role.CASE_WORKER, institution=world.csw))) == []
    assert labels(client_for(world.shelter_worker)) == []


# --- the coordinator's oversight ------------------------------------------------------------


def test_oversight_lists_every_institutions_deadlines_without_names(client_for):
    world = World()
    presumed = world.presumed(document_number="XY7654321")
    reflecting = world.reflecting()
    overdue(reflecting, DeadlineKind.REFLECTION_END)
    web = client_for(world.coordinator)
    response = web.get("/nrm/oversight/")
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert {(d.case_id, d.kind) for d in rows} == {
        (presumed.pk, DeadlineKind.REFERRAL_DUE),
        (presumed.pk, DeadlineKind.NEEDS_ASSESSMENT_DUE),
        (reflecting.pk, DeadlineKind.NEEDS_ASSESSMENT_DUE),
        (reflecting.pk, DeadlineKind.REFLECTION_END),
    }
    assert rows[0].kind == DeadlineKind.REFLECTION_END  # overdue first
    html = response.content.decode()
    assert presumed.reference in html
    assert reflecting.reference in html
    assert "Police THB" in html
    assert "CSW" in html
    for case in (presumed, reflecting):
        for value in personal_data(case):
            assert value not in html


def test_oversight_shows_nothing_of_a_sealed_case(client_for):
    world = World()
    sealed = world.presumed()
    kept = world.presumed()
    case_seal(actor=world.csw_supervisor, case=sealed, reason="Official suspected of involvement")
    html = client_for(world.coordinator).get("/nrm/oversight/").content.decode()
    assert kept.reference in html
    assert sealed.reference not in html


def test_the_coordinator_opens_a_case_from_oversight_with_metadata_only(client_for):
    world = World()
    case = world.presumed()
    response = client_for(world.coordinator).get(f"/registry/cases/{case.pk}/")
    assert response.status_code == 200
    assert response.context["sections"] == {"metadata"}
    html = response.content.decode()
    assert case.person.pseudonym in html
    for value in personal_data(case):
        assert value not in html


@pytest.mark.parametrize("who", ["csw_supervisor", "police_supervisor", "outsider"])
def test_oversight_is_for_the_coordinator_only(client_for, who):
    world = World()
    world.presumed()
    assert client_for(getattr(world, who)).get("/nrm/oversight/").status_code == 403
