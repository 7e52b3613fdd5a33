"""Every (from, to) pair of the transition table, allowed and refused, by role and capability."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from palermo.core import policy
from palermo.core.roles import ALL_CAPABILITIES, Capability, Role
from palermo.nrm.services import transition_apply
from palermo.nrm.transitions import TRANSITIONS
from palermo.registry.codes import CaseState
from palermo.registry.models import Case, CaseEvent
from palermo.testing.factories import member

from .factories import World

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

DATA = {
    "T4": {"start_date": TODAY.isoformat(), "end_date": (TODAY + timedelta(days=30)).isoformat()},
    "T5": {
        "decision_date": TODAY.isoformat(),
        "decision_body": "Panel",
        "grounds": "Indicators confirmed",
    },
    "T6": {
        "decision_date": TODAY.isoformat(),
        "decision_body": "Panel",
        "grounds": "No indicators",
        "person_notified_on": TODAY.isoformat(),
    },
    "T7": {"reason": "New facts came to light"},
    "T8": {"closure_reason": "lost_contact"},
}


def case_in(world: World, state: str, rule_id: str = "") -> Case:
    """A case of the world's CSW in ``state``, put there directly (the setup is not under test)."""
    case = world.case()
    case.state = state
    case.kind = "protection" if state == CaseState.OPEN else "nrm"
    case.save()
    if rule_id == "T3":  # its guard: a referral to the identifying authority exists
        from palermo.nrm.services import referral_send

        world.consent(case)
        referral_send(
            actor=world.worker,
            case=case,
            to_institution=world.police,
            service_type="identification",
            sections=["identity"],
        )
    return case


def actor_for(world: World, role: str, capabilities: tuple[str, ...]):
    """A user with ``role`` in an institution with ``capabilities`` that holds the case (it is
    on the case team) — so that only role and capability decide."""
    from palermo.testing.factories import InstitutionFactory

    return member(role, institution=InstitutionFactory(capabilities=capabilities))


PAIRS = sorted({(frm, to, rule.id) for (frm, to), rule in TRANSITIONS.items()})
ROLES = [
    Role.REGISTRAR,
    Role.CASE_WORKER,
    Role.SUPERVISOR,
    Role.INVESTIGATOR,
    Role.COORDINATOR,
    Role.ANALYST,
]
CAPS = [(Capability.SERVICE_PROVIDER,), (Capability.IDENTIFYING_AUTHORITY,), ()]


@pytest.mark.parametrize(("from_state", "to_state", "rule_id"), PAIRS)
def test_each_pair_is_allowed_exactly_for_the_roles_and_capabilities_of_the_table(
    from_state, to_state, rule_id
):
    world = World()
    mismatches = []
    for role in ROLES:
        for caps in CAPS:
            case = case_in(world, from_state, rule_id)
            actor = actor_for(world, role, caps)
            from palermo.registry.services import team_add

            team_add(
                actor=world.csw_supervisor,
                case=case,
                user=actor,
                institution=actor.memberships.first().institution,
            )
            expected = policy.allows({role}, caps, f"nrm.{rule_id}")
            try:
                transition_apply(
                    actor=actor, case=case, to_state=to_state, data=DATA.get(rule_id, {})
                )
                applied = True
            except (PermissionDenied, Http404):  # 404: roles that read no case at all
                applied = False
            case.refresh_from_db()
            if applied != expected or (case.state == to_state) != expected:
                mismatches.append((role, caps, expected, applied, case.state))
    assert mismatches == []


IMPOSSIBLE = [
    (frm, to)
    for frm in CaseState.values
    for to in CaseState.values
    if frm != to and (frm, to) not in TRANSITIONS and frm != CaseState.CLOSED
]


@pytest.mark.parametrize(("from_state", "to_state"), IMPOSSIBLE)
def test_pairs_outside_the_table_are_refused_with_a_message_and_change_nothing(
    from_state, to_state
):
    world = World()
    case = case_in(world, from_state)
    superuser_like = member(
        (Role.CASE_WORKER, Role.SUPERVISOR, Role.INVESTIGATOR, Role.REGISTRAR),
        institution=world.csw,
    )
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ValidationError) as exc:
        transition_apply(actor=superuser_like, case=case, to_state=to_state, data={})
    assert "cannot go from" in str(exc.value)
    case.refresh_from_db()
    assert case.state == from_state
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_closed_case_reopens_only_to_the_state_it_was_closed_from():
    world = World()
    case = world.presumed()
    transition_apply(actor=world.csw_supervisor, case=case, to_state="closed", data=DATA["T8"])
    case.refresh_from_db()
    assert case.previous_state == "presumed_victim"
    with pytest.raises(ValidationError):
        transition_apply(
            actor=world.csw_supervisor, case=case, to_state="identified", data={"reason": "x" * 20}
        )
    transition_apply(
        actor=world.csw_supervisor,
        case=case,
        to_state="presumed_victim",
        data={"reason": "She came back asking for help"},
    )
    case.refresh_from_db()
    assert case.state == "presumed_victim"
    assert case.closure_reason == ""


def test_T2_needs_an_indicator():
    world = World()
    from palermo.registry.tests.factories import register

    case = register(world.worker)  # no indicator
    with pytest.raises(ValidationError) as exc:
        transition_apply(actor=world.worker, case=case, to_state="presumed_victim")
    assert "indicators" in exc.value.message_dict


def test_T3_needs_a_referral_to_the_identifying_authority():
    world = World()
    case = world.presumed()
    with pytest.raises(ValidationError):
        transition_apply(actor=world.worker, case=case, to_state="referred")


@pytest.mark.parametrize("days", [0, 10, 29])
def test_T4_refuses_a_reflection_period_shorter_than_the_minimum(days):
    world = World()
    case = world.referred()
    with pytest.raises(ValidationError) as exc:
        transition_apply(
            actor=world.police_supervisor,
            case=case,
            to_state="recovery_reflection",
            data={
                "start_date": TODAY.isoformat(),
                "end_date": (TODAY + timedelta(days=days)).isoformat(),
            },
        )
    assert "end_date" in exc.value.message_dict
    case.refresh_from_db()
    assert case.state == "referred"


@pytest.mark.parametrize("missing", ["decision_date", "decision_body", "grounds"])
def test_T5_requires_date_body_and_grounds(missing):
    world = World()
    case = world.reflecting()
    data = {k: v for k, v in DATA["T5"].items() if k != missing}
    with pytest.raises(ValidationError) as exc:
        transition_apply(actor=world.police_supervisor, case=case, to_state="identified", data=data)
    assert missing in exc.value.message_dict


def test_T5_by_the_identifying_authority_that_received_the_referral():
    world = World()
    case = world.reflecting()
    transition_apply(
        actor=world.police_supervisor, case=case, to_state="identified", data=DATA["T5"]
    )
    case.refresh_from_db()
    assert case.state == "identified"
    assert case.identified_date == TODAY


def test_an_identifying_authority_without_the_case_cannot_decide():
    world = World()
    case = world.referred()
    stranger = member(Role.SUPERVISOR, capabilities=(Capability.IDENTIFYING_AUTHORITY,))
    with pytest.raises(Http404):  # out of scope: the case does not exist for them
        transition_apply(actor=stranger, case=case, to_state="identified", data=DATA["T5"])


def test_closing_with_open_referrals_is_refused():
    world = World()
    case = world.referred()  # its identification referral is accepted (open)
    with pytest.raises(ValidationError) as exc:
        transition_apply(actor=world.csw_supervisor, case=case, to_state="closed", data=DATA["T8"])
    assert "referrals" in str(exc.value)


def test_closing_needs_a_reason():
    world = World()
    case = world.case()
    with pytest.raises(ValidationError) as exc:
        transition_apply(actor=world.csw_supervisor, case=case, to_state="closed", data={})
    assert "closure_reason" in exc.value.message_dict


def test_a_protection_case_turns_into_an_NRM_case_keeping_its_history():
    world = World()
    case = world.case(kind="protection")
    assert case.state == "open"
    transition_apply(actor=world.worker, case=case, to_state="presumed_victim")
    case.refresh_from_db()
    assert case.kind == "nrm"
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "created",
        "transition",
    ]


def test_every_transition_writes_an_event_and_an_audit_entry():
    from palermo.core.models import AuditEntry

    world = World()
    case = world.reflecting()
    events = list(
        CaseEvent.objects.filter(case=case, kind="transition").values_list("from_state", "to_state")
    )
    assert events == [
        ("detected", "presumed_victim"),
        ("presumed_victim", "referred"),
        ("referred", "recovery_reflection"),
    ]
    assert (
        AuditEntry.objects.filter(
            object_id=str(case.pk), action__in=["case.T2", "case.T3", "case.T4"]
        ).count()
        == 3
    )


def test_the_policy_table_lists_T1_to_T9():
    for n in range(1, 10):
        assert (f"nrm.T{n}", "") in policy.POLICY
    assert policy.POLICY[("nrm.T5", "")].capabilities == {Capability.IDENTIFYING_AUTHORITY}
    assert ALL_CAPABILITIES
