"""Deadlines through the services: who gets which deadline when, in Belgrade time across the
daylight-saving changes, and what meets or cancels them; the coordinator's settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palermo.core.models import AuditEntry
from palermo.core.roles import Capability, Role
from palermo.nrm.codes import DeadlineKind, ServiceType
from palermo.nrm.models import Deadline, NrmSettings
from palermo.nrm.services import (
    nrm_settings_update,
    referral_accept,
    referral_decline,
    referral_send,
    track_record,
    transition_apply,
)
from palermo.testing.factories import member

from .factories import World

pytestmark = pytest.mark.django_db
BELGRADE = ZoneInfo("Europe/Belgrade")


@pytest.fixture
def clock(monkeypatch):
    """``clock(2026, 3, 28, 12)``: from now on it is that local time in Belgrade."""

    def set_to(*args: int) -> datetime:
        at = datetime(*args, tzinfo=BELGRADE).astimezone(UTC)
        monkeypatch.setattr(timezone, "now", lambda: at)
        return at

    return set_to


def local(moment: datetime) -> tuple[date, time]:
    shown = moment.astimezone(BELGRADE)
    return shown.date(), shown.time()


def open_deadline(case, kind) -> Deadline:
    return Deadline.objects.get(case=case, kind=kind, met_at=None, cancelled_at=None)


def identification_referral(world, case):
    return referral_send(
        actor=world.worker,
        case=case,
        to_institution=world.police,
        service_type=ServiceType.IDENTIFICATION,
        sections=["identity", "story"],
    )


# --- T2 sets the clock running ---------------------------------------------------------


def test_presumption_starts_referral_and_assessment_deadlines_for_the_lead(clock):
    clock(2026, 3, 28, 12, 0)  # the day before summer time starts
    world = World()
    case = world.presumed()
    referral_due = open_deadline(case, DeadlineKind.REFERRAL_DUE)
    assert referral_due.institution == world.csw
    assert local(referral_due.due_at) == (date(2026, 3, 29), time(13, 0))  # 24 real hours
    assessment = open_deadline(case, DeadlineKind.NEEDS_ASSESSMENT_DUE)
    assert assessment.institution == world.csw
    assert local(assessment.due_at) == (date(2026, 4, 17), time(12, 0))  # 20 days, same clock


def test_a_child_gets_the_shorter_child_deadlines(clock):
    clock(2026, 10, 24, 20, 0)  # the evening before winter time
    world = World()
    case = world.presumed(child=True)
    assert case.is_child
    assert local(open_deadline(case, DeadlineKind.REFERRAL_DUE).due_at) == (
        date(2026, 10, 25),
        time(7, 0),  # 12 real hours: the clock went back one hour in between
    )
    assert local(open_deadline(case, DeadlineKind.NEEDS_ASSESSMENT_DUE).due_at) == (
        date(2026, 11, 3),
        time(20, 0),
    )


def test_a_presumed_minor_counts_as_a_child(clock):
    clock(2026, 6, 1, 9, 0)
    world = World()
    case = world.presumed(presumed_minor=True)  # an adult's date of birth, but presumed a child
    assert case.is_child
    due = open_deadline(case, DeadlineKind.REFERRAL_DUE).due_at
    assert due == datetime(2026, 6, 1, 21, 0, tzinfo=BELGRADE)


def test_the_coordinators_settings_apply_to_new_deadlines(clock):
    clock(2026, 3, 20, 10, 0)
    world = World()
    nrm_settings_update(
        actor=world.coordinator,
        values={
            "referral_due_hours": 48,
            "needs_assessment_days": 14,
            "referral_response_hours": 6,
        },
    )
    case = world.presumed()
    assert local(open_deadline(case, DeadlineKind.REFERRAL_DUE).due_at) == (
        date(2026, 3, 22),
        time(10, 0),
    )
    assert local(open_deadline(case, DeadlineKind.NEEDS_ASSESSMENT_DUE).due_at) == (
        date(2026, 4, 3),
        time(10, 0),
    )
    referral = world.to_shelter(case, ["identity"])
    assert Deadline.objects.get(referral=referral).due_at == datetime(
        2026, 3, 20, 16, 0, tzinfo=BELGRADE
    )


# --- what meets and cancels them -------------------------------------------------------


def test_referring_to_the_identifying_authority_meets_the_referral_deadline():
    world = World()
    case = world.presumed()
    identification_referral(world, case)
    transition_apply(actor=world.worker, case=case, to_state="referred")
    referral_due = Deadline.objects.get(case=case, kind=DeadlineKind.REFERRAL_DUE)
    assert referral_due.met_at is not None
    assert referral_due.cancelled_at is None
    assert open_deadline(case, DeadlineKind.NEEDS_ASSESSMENT_DUE)  # still running


@pytest.mark.parametrize(
    ("track", "state", "meets"),
    [
        ("assistance", "assessment", False),
        ("assistance", "plan_agreed", True),
        ("assistance", "in_assistance", True),
        ("residence", "applied", False),
        ("compensation", "claimed", False),
    ],
)
def test_a_step_past_the_assessment_meets_the_needs_assessment(track, state, meets):
    world = World()
    case = world.presumed()
    track_record(actor=world.worker, case=case, track=track, state=state, on=timezone.localdate())
    assessment = Deadline.objects.get(case=case, kind=DeadlineKind.NEEDS_ASSESSMENT_DUE)
    assert (assessment.met_at is not None) is meets


def test_answering_a_referral_meets_its_answer_deadline(clock):
    clock(2026, 10, 24, 12, 0)
    world = World()
    case = world.presumed()
    accepted = world.to_shelter(case, ["identity"])
    declined = world.to_shelter(case, ["contact"])
    deadline = Deadline.objects.get(referral=accepted)
    assert deadline.kind == DeadlineKind.REFERRAL_RESPONSE_DUE
    assert deadline.institution == world.shelter
    assert local(deadline.due_at) == (date(2026, 10, 26), time(11, 0))  # 48 real hours
    referral_accept(actor=world.shelter_worker, referral=accepted)
    referral_decline(actor=world.shelter_worker, referral=declined, reason="No bed free this month")
    for referral in (accepted, declined):
        assert Deadline.objects.get(referral=referral).met_at is not None


def test_a_childs_referral_is_answered_sooner(clock):
    clock(2026, 3, 28, 12, 0)
    world = World()
    case = world.presumed(child=True)
    referral = world.to_shelter(case, ["health"])
    assert local(Deadline.objects.get(referral=referral).due_at) == (date(2026, 3, 29), time(13, 0))


def test_the_reflection_period_ends_at_midnight_after_its_end_date_for_the_deciding_authority(
    clock,
):
    clock(2026, 3, 10, 9, 0)
    world = World()
    case = world.referred()
    transition_apply(
        actor=world.police_supervisor,
        case=case,
        to_state="recovery_reflection",
        data={"start_date": "2026-03-10", "end_date": "2026-04-09"},
    )
    reflection = open_deadline(case, DeadlineKind.REFLECTION_END)
    assert reflection.institution == world.police
    assert local(reflection.due_at) == (date(2026, 4, 10), time(0, 0))
    transition_apply(
        actor=world.police_supervisor,
        case=case,
        to_state="identified",
        data={"decision_date": "2026-03-10", "decision_body": "Panel", "grounds": "Indicators"},
    )
    reflection.refresh_from_db()
    assert reflection.met_at is not None


def test_closing_the_case_cancels_every_open_deadline():
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    from palermo.nrm.services import referral_withdraw

    referral_withdraw(actor=world.worker, referral=referral, reason="Sent by mistake, sorry")
    transition_apply(
        actor=world.csw_supervisor,
        case=case,
        to_state="closed",
        data={"closure_reason": "declined_assistance"},
    )
    deadlines = Deadline.objects.filter(case=case)
    assert deadlines.count() == 3
    assert not deadlines.filter(met_at=None, cancelled_at=None).exists()
    assert deadlines.filter(kind=DeadlineKind.REFERRAL_DUE).get().cancelled_at is not None
    assert deadlines.filter(kind=DeadlineKind.NEEDS_ASSESSMENT_DUE).get().met_at is None


# --- the coordinator's settings ---------------------------------------------------------


def test_the_defaults_follow_the_convention():
    row = NrmSettings.current()
    assert row.referral_due_hours == 24
    assert row.reflection_min_days >= 30
    assert row.needs_assessment_days == 20
    assert row.child_referral_due_hours < row.referral_due_hours
    assert row.child_needs_assessment_days < row.needs_assessment_days
    assert row.child_referral_response_hours < row.referral_response_hours


@pytest.mark.parametrize(
    "values",
    [
        {"reflection_min_days": 29},
        {"reflection_min_days": 0},
        {"referral_due_hours": "24"},
        {"referral_due_hours": "soon"},
        {"referral_due_hours": 2.5},
        {"referral_due_hours": True},
        {"referral_due_hours": None},
        {"needs_assessment_days": -1},
        {"referral_response_hours": 10_000},
    ],
)
def test_bad_settings_are_refused_on_the_field_and_nothing_changes(values):
    world = World()
    before = NrmSettings.current()
    with pytest.raises(ValidationError) as exc:
        nrm_settings_update(actor=world.coordinator, values={"needs_assessment_days": 15, **values})
    assert set(exc.value.message_dict) == set(values)
    after = NrmSettings.current()
    assert after.needs_assessment_days == before.needs_assessment_days == 20
    assert not AuditEntry.objects.filter(action="nrm.settings_updated").exists()


def test_an_unknown_setting_is_refused():
    world = World()
    with pytest.raises(ValidationError) as exc:
        nrm_settings_update(actor=world.coordinator, values={"reflection_min_hours": 30})
    assert "reflection_min_hours" in exc.value.message_dict


@pytest.mark.parametrize(
    "who",
    ["coordinator_elsewhere", "csw_supervisor", "police_supervisor", "admin_in_coordination"],
)
def test_only_the_coordinator_of_a_coordination_institution_changes_the_settings(who):
    world = World()
    actor = {
        "coordinator_elsewhere": lambda: member(
            Role.COORDINATOR, capabilities=(Capability.SERVICE_PROVIDER,)
        ),
        "csw_supervisor": lambda: world.csw_supervisor,
        "police_supervisor": lambda: world.police_supervisor,
        "admin_in_coordination": lambda: member(Role.ADMIN, institution=world.coordination),
    }[who]()
    with pytest.raises(PermissionDenied):
        nrm_settings_update(actor=actor, values={"reflection_min_days": 60})
    assert NrmSettings.current().reflection_min_days == 30


def test_the_coordinator_changes_settings_with_an_audit_entry():
    world = World()
    row = nrm_settings_update(
        actor=world.coordinator, values={"reflection_min_days": 90, "referral_due_hours": 24}
    )
    assert row.reflection_min_days == 90
    assert row.updated_by == world.coordinator
    entry = AuditEntry.objects.get(action="nrm.settings_updated")
    assert entry.fields == ["reflection_min_days"]  # only what changed


def test_a_longer_minimum_reflection_period_is_enforced_on_T4():
    world = World()
    nrm_settings_update(actor=world.coordinator, values={"reflection_min_days": 60})
    case = world.referred()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        transition_apply(
            actor=world.police_supervisor,
            case=case,
            to_state="recovery_reflection",
            data={
                "start_date": today.isoformat(),
                "end_date": (today + timedelta(days=45)).isoformat(),
            },
        )
    assert "end_date" in exc.value.message_dict
    assert "60" in exc.value.message_dict["end_date"][0]


def test_the_settings_page_is_the_coordinators(client_for):
    world = World()
    assert client_for(world.coordinator).get("/nrm/settings/").status_code == 200
    assert client_for(world.csw_supervisor).get("/nrm/settings/").status_code == 403
    elsewhere = member(Role.COORDINATOR, capabilities=(Capability.SERVICE_PROVIDER,))
    assert client_for(elsewhere).get("/nrm/settings/").status_code == 403
    assert client_for(elsewhere).post("/nrm/settings/", {}).status_code == 403


FORM = {
    "referral_due_hours": "24",
    "child_referral_due_hours": "12",
    "reflection_min_days": "30",
    "needs_assessment_days": "20",
    "child_needs_assessment_days": "10",
    "referral_response_hours": "48",
    "child_referral_response_hours": "24",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reflection_min_days", "29"),
        ("reflection_min_days", "thirty"),
        ("referral_due_hours", ""),
        ("needs_assessment_days", "0"),
        ("child_referral_response_hours", "1.5"),
    ],
)
def test_the_settings_page_shows_bad_values_on_the_field(client_for, field, value):
    world = World()
    response = client_for(world.coordinator).post("/nrm/settings/", {**FORM, field: value})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert NrmSettings.current().reflection_min_days == 30


def test_the_settings_page_saves(client_for):
    world = World()
    response = client_for(world.coordinator).post(
        "/nrm/settings/", {**FORM, "reflection_min_days": "45", "needs_assessment_days": "15"}
    )
    assert response.status_code == 302
    row = NrmSettings.current()
    assert (row.reflection_min_days, row.needs_assessment_days) == (45, 15)
