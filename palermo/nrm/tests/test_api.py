"""The NRM API: transitions of a case and referrals, with the UI's scope rules — other ids
404, refused changes 403/422 with nothing changed, lists in a stable order."""

from __future__ import annotations

import json

import pytest

from palermo.core.models import AuditEntry
from palermo.core.roles import Role
from palermo.nrm.codes import DeadlineKind, ReferralState, ServiceType
from palermo.nrm.models import Deadline, Referral
from palermo.nrm.services import referral_send
from palermo.registry.models import CaseEvent
from palermo.registry.services import case_seal
from palermo.testing.factories import member

from .factories import World, api

pytestmark = pytest.mark.django_db
REASON = {"reason": "No bed free this month, sorry"}


def post(client, path: str, body=None):
    return client.post(
        path, json.dumps(body if body is not None else {}), content_type="application/json"
    )


def transitions(client, case) -> list[tuple[str, str]]:
    response = client.get(f"/api/v1/cases/{case.pk}/transitions")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"])
    return [(t["id"], t["to_state"]) for t in body["items"]]


# --- transitions -----------------------------------------------------------------------------


def test_each_caller_is_offered_exactly_the_transitions_they_may_take():
    world = World()
    presumed = world.presumed()
    assert transitions(api(world.worker), presumed) == [("T3", "referred")]
    assert transitions(api(world.csw_supervisor), presumed) == [("T8", "closed")]
    referred = world.referred()
    assert transitions(api(world.police_supervisor), referred) == [
        ("T4", "recovery_reflection"),
        ("T5", "identified"),
        ("T6", "not_identified"),
    ]
    assert transitions(api(world.worker), referred) == []  # the CSW does not decide
    world.to_shelter(presumed, ["identity"], accept=True)
    assert transitions(api(world.shelter_worker), presumed) == []  # reads, does not hold


def test_a_transition_lists_what_it_requires():
    world = World()
    case = world.referred()
    body = api(world.police_supervisor).get(f"/api/v1/cases/{case.pk}/transitions").json()
    requires = {t["id"]: t["requires"] for t in body["items"]}
    assert requires["T4"] == ["start_date", "end_date"]
    assert requires["T6"] == ["decision_date", "decision_body", "grounds", "person_notified_on"]


def test_applying_a_transition_changes_the_state_and_writes_the_trail():
    world = World()
    case = world.case()
    response = post(
        api(world.worker), f"/api/v1/cases/{case.pk}/transitions", {"to_state": "presumed_victim"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": str(case.pk),
        "reference": case.reference,
        "state": "presumed_victim",
        "kind": "nrm",
    }
    case.refresh_from_db()
    assert case.state == "presumed_victim"
    assert AuditEntry.objects.filter(action="case.T2", channel="api").count() == 1


def _unchanged(case, state: str, events: int) -> None:
    case.refresh_from_db()
    assert case.state == state
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_transition_the_role_may_not_take_is_403_and_changes_nothing():
    world = World()
    case = world.presumed()
    events = CaseEvent.objects.filter(case=case).count()
    response = post(
        api(world.worker),
        f"/api/v1/cases/{case.pk}/transitions",
        {"to_state": "closed", "data": {"closure_reason": "lost_contact"}},
    )
    assert response.status_code == 403
    _unchanged(case, "presumed_victim", events)


def test_a_transition_on_a_case_read_but_not_held_is_403():
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity"], accept=True)
    world.consent(case)
    referral_send(
        actor=world.worker,
        case=case,
        to_institution=world.police,
        service_type=ServiceType.IDENTIFICATION,
        sections=["identity"],
    )
    events = CaseEvent.objects.filter(case=case).count()
    response = post(
        api(world.shelter_worker), f"/api/v1/cases/{case.pk}/transitions", {"to_state": "referred"}
    )
    assert response.status_code == 403
    _unchanged(case, "presumed_victim", events)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_state": "identified"}, "to_state"),  # not from presumed_victim
        ({"to_state": "referred"}, "to_state"),  # no identification referral yet
        ({"to_state": "flying"}, "to_state"),
    ],
)
def test_an_impossible_transition_is_422_and_changes_nothing(body, field):
    world = World()
    case = world.presumed()
    events = CaseEvent.objects.filter(case=case).count()
    response = post(api(world.worker), f"/api/v1/cases/{case.pk}/transitions", body)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    _unchanged(case, "presumed_victim", events)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start_date": "2026-01-01"}, "end_date"),
        ({"start_date": "2026-01-01", "end_date": "nonsense"}, "end_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-01-20"}, "end_date"),
        ({"start_date": "yesterday", "end_date": "2026-03-01"}, "start_date"),
        ({"start_date": "2026-01-01", "end_date": 17}, "end_date"),
        ({"start_date": "2026-01-01", "end_date": ["2026-03-01"]}, "end_date"),
    ],
)
def test_bad_transition_data_is_422_on_the_field(data, field):
    world = World()
    case = world.referred()
    events = CaseEvent.objects.filter(case=case).count()
    response = post(
        api(world.police_supervisor),
        f"/api/v1/cases/{case.pk}/transitions",
        {"to_state": "recovery_reflection", "data": data},
    )
    assert response.status_code == 422
    assert field in response.json()["detail"]
    _unchanged(case, "referred", events)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision_body": {"name": "Panel"}, "grounds": "Indicators confirmed"}, "decision_body"),
        ({"decision_body": "Panel", "grounds": ["Indicators", "confirmed"]}, "grounds"),
        ({"decision_body": "Panel", "grounds": 12345}, "grounds"),
    ],
)
def test_decision_texts_must_be_text(data, field):
    world = World()
    case = world.referred()
    response = post(
        api(world.police_supervisor),
        f"/api/v1/cases/{case.pk}/transitions",
        {"to_state": "identified", "data": {"decision_date": "2026-01-02", **data}},
    )
    assert response.status_code == 422
    assert field in response.json()["detail"]
    case.refresh_from_db()
    assert case.state == "referred"


@pytest.mark.parametrize(
    "body", ['{"data": {}}', '{"to_state": 5}', '{"to_state": "closed", "data": []}', "[]"]
)
def test_malformed_transition_bodies_are_422(body):
    world = World()
    case = world.presumed()
    response = api(world.csw_supervisor).post(
        f"/api/v1/cases/{case.pk}/transitions", body, content_type="application/json"
    )
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.state == "presumed_victim"


def test_audit_entries_of_api_transitions_name_only_the_rules_fields():
    world = World()
    case = world.case()
    post(
        api(world.worker),
        f"/api/v1/cases/{case.pk}/transitions",
        {"to_state": "presumed_victim", "data": {"Arta Krasniqi": "x"}},
    )
    entry = AuditEntry.objects.get(action="case.T2")
    assert "Arta Krasniqi" not in entry.fields


def test_transitions_of_a_case_out_of_scope_are_404():
    world = World()
    case = world.presumed()
    client = api(world.outsider)
    assert client.get(f"/api/v1/cases/{case.pk}/transitions").status_code == 404
    response = post(client, f"/api/v1/cases/{case.pk}/transitions", {"to_state": "referred"})
    assert response.status_code == 404
    # Before acceptance the case is out of the receiver's scope too.
    world.to_shelter(case, ["identity"])
    assert api(world.shelter_worker).get(f"/api/v1/cases/{case.pk}/transitions").status_code == 404


# --- referrals --------------------------------------------------------------------------------


def test_the_referral_list_shows_exactly_those_sent_by_or_to_the_callers_institution():
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
    expected = {
        world.worker: {to_shelter.pk, to_police.pk},
        world.shelter_worker: {to_shelter.pk},
        world.police_supervisor: {to_police.pk},
        world.outsider: set(),
    }
    for user, ids in expected.items():
        client = api(user)
        body = client.get("/api/v1/referrals").json()
        assert set(body) == {"items", "count"}
        assert body["count"] == len(ids)
        assert {item["id"] for item in body["items"]} == {str(i) for i in ids}
        for item in body["items"]:
            assert client.get(f"/api/v1/referrals/{item['id']}").json() == item
    shown = api(world.shelter_worker).get(f"/api/v1/referrals/{to_shelter.pk}").json()
    assert shown["case_reference"] == case.reference
    assert shown["sections"] == ["identity", "metadata"]
    assert shown["state"] == "sent"
    assert "note" not in shown


def test_other_referral_ids_are_404():
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    assert api(world.police_supervisor).get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert api(world.outsider).get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    for action in ("accept", "decline", "withdraw", "complete", "end"):
        response = post(api(world.outsider), f"/api/v1/referrals/{referral.pk}/{action}", REASON)
        assert response.status_code == 404, action
    assert api(world.worker).get("/api/v1/referrals/not-a-uuid").status_code == 404
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_the_referral_list_is_newest_first_ties_by_id_and_pages_completely():
    world = World()
    case = world.presumed()
    sent = [world.to_shelter(case, ["identity"]) for _ in range(5)]
    # Three sent at the same moment: the id breaks the tie.
    Referral.objects.filter(pk__in=[sent[0].pk, sent[1].pk]).update(created_at=sent[2].created_at)
    by_id = sorted(Referral.objects.all(), key=lambda r: str(r.pk))
    # Newest first; a stable sort keeps ids ascending among equal times.
    expected = [str(r.pk) for r in sorted(by_id, key=lambda r: r.created_at, reverse=True)]
    client = api(world.worker)
    everything = [r["id"] for r in client.get("/api/v1/referrals?limit=100").json()["items"]]
    assert everything == expected
    paged = []
    for offset in (0, 2, 4):
        page = client.get(f"/api/v1/referrals?limit=2&offset={offset}").json()
        assert page["count"] == 5
        paged += [r["id"] for r in page["items"]]
    assert paged == everything


def test_the_referral_list_does_not_grow_queries_with_rows(django_assert_max_num_queries):
    world = World()
    case = world.presumed()
    world.to_shelter(case, ["identity"])
    client = api(world.worker)
    with django_assert_max_num_queries(50) as few:
        assert client.get("/api/v1/referrals").json()["count"] == 1
    for _ in range(8):
        world.to_shelter(case, ["identity"])
    other = world.presumed()
    world.to_shelter(other, ["health"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/referrals").json()["count"] == 10


def test_sending_a_referral_answers_201():
    world = World()
    case = world.presumed()
    response = post(
        api(world.worker),
        "/api/v1/referrals",
        {
            "case_id": str(case.pk),
            "to_institution_id": world.shelter.pk,
            "service_type": "shelter",
            "sections": ["identity", "health"],
            "note": "Arrives by bus",
        },
    )
    assert response.status_code == 201
    body = response.json()
    referral = Referral.objects.get(pk=body["id"])
    assert body["sections"] == ["health", "identity", "metadata"]
    assert referral.to_institution == world.shelter
    assert AuditEntry.objects.get(action="referral.sent").channel == "api"


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"sections": ["identity", "story"]}, 422, "sections"),
        ({"sections": ["diary"]}, 422, "sections"),
        ({"service_type": "massage"}, 422, "service_type"),
        ({"to_institution_id": 999_999}, 422, "to_institution_id"),
        ({"to_institution_id": "own"}, 422, "to_institution_id"),
        ({"sections": "identity"}, 422, None),
        ({"case_id": "not-a-uuid"}, 422, None),
        ({"case_id": None}, 422, None),
    ],
)
def test_a_refused_or_malformed_referral_is_422_and_writes_nothing(change, status, field):
    world = World()
    case = world.presumed()
    body = {
        "case_id": str(case.pk),
        "to_institution_id": world.shelter.pk,
        "service_type": "shelter",
        "sections": ["identity"],
        **change,
    }
    if body["to_institution_id"] == "own":
        body["to_institution_id"] = world.csw.pk
    response = post(api(world.worker), "/api/v1/referrals", body)
    assert response.status_code == status
    if field:
        assert field in response.json()["detail"]
    assert not Referral.objects.exists()


def test_referring_a_case_out_of_scope_is_404_and_without_the_role_403():
    world = World()
    case = world.presumed()
    body = {
        "case_id": str(case.pk),
        "to_institution_id": world.shelter.pk,
        "service_type": "shelter",
        "sections": ["identity"],
    }
    assert post(api(world.outsider), "/api/v1/referrals", body).status_code == 404
    registrar = member(Role.REGISTRAR, institution=world.csw)
    assert post(api(registrar), "/api/v1/referrals", body).status_code == 403
    assert not Referral.objects.exists()


def test_the_referral_life_cycle_through_the_api():
    world = World()
    case = world.presumed()
    sender, receiver = api(world.worker), api(world.shelter_worker)
    referral = world.to_shelter(case, ["identity"])
    path = f"/api/v1/referrals/{referral.pk}"
    assert post(sender, f"{path}/accept").status_code == 403  # not the receiver
    assert post(receiver, f"{path}/withdraw", REASON).status_code == 403  # not the sender
    assert post(receiver, f"{path}/complete").status_code == 422  # not accepted yet
    accepted = post(receiver, f"{path}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "accepted"
    assert receiver.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert post(receiver, f"{path}/accept").status_code == 422  # already accepted
    ended = post(sender, f"{path}/end", {"reason": "She moved to her sister's"})
    assert ended.json()["state"] == "ended"
    assert receiver.get(f"/api/v1/cases/{case.pk}").status_code == 404


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "no"}])
def test_declining_without_a_reason_is_422_and_changes_nothing(body):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    response = post(api(world.shelter_worker), f"/api/v1/referrals/{referral.pk}/decline", body)
    assert response.status_code == 422
    assert "reason" in response.json()["detail"]
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert Deadline.objects.get(referral=referral, kind=DeadlineKind.REFERRAL_RESPONSE_DUE).open


def test_withdrawing_and_completing_through_the_api():
    world = World()
    case = world.presumed()
    sender, receiver = api(world.worker), api(world.shelter_worker)
    first = world.to_shelter(case, ["identity"])
    withdrawn = post(sender, f"/api/v1/referrals/{first.pk}/withdraw", REASON)
    assert withdrawn.json()["state"] == "withdrawn"
    second = world.to_shelter(case, ["identity"], accept=True)
    completed = post(receiver, f"/api/v1/referrals/{second.pk}/complete")
    assert completed.status_code == 200
    assert completed.json()["state"] == "completed"
    declined_by_sender = post(
        sender, f"/api/v1/referrals/{world.to_shelter(case, []).pk}/decline", REASON
    )
    assert declined_by_sender.status_code == 403


@pytest.mark.parametrize("body", ['{"reason": 5}', '{"reason": ["a"]}', "[]"])
def test_malformed_action_bodies_are_422(body):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    response = api(world.shelter_worker).post(
        f"/api/v1/referrals/{referral.pk}/decline", body, content_type="application/json"
    )
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_a_sealed_cases_referrals_are_gone_for_everyone_but_its_named_users():
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    case_seal(
        actor=world.csw_supervisor,
        case=case,
        reason="An official is suspected of involvement",
        named_users=[world.worker],
    )
    receiver = api(world.shelter_worker)
    assert receiver.get("/api/v1/referrals").json()["count"] == 0
    assert receiver.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert post(receiver, f"/api/v1/referrals/{referral.pk}/accept").status_code == 404
    assert api(world.worker).get(f"/api/v1/referrals/{referral.pk}").status_code == 200


@pytest.mark.parametrize("action", ["accept", "complete"])
def test_actions_that_need_no_reason_take_no_body(action):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"], accept=action == "complete")
    # An empty body, as ``curl -X POST`` sends it.
    response = api(world.shelter_worker).generic(
        "POST", f"/api/v1/referrals/{referral.pk}/{action}"
    )
    assert response.status_code == 200
    assert response.json()["state"] == {"accept": "accepted", "complete": "completed"}[action]


def test_a_decline_without_any_body_is_422_on_the_reason():
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    response = api(world.shelter_worker).generic("POST", f"/api/v1/referrals/{referral.pk}/decline")
    assert response.status_code == 422
    assert "reason" in response.json()["detail"]
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
