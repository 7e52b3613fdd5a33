"""Notifications of referrals: in the app and by e-mail, to the right people, a link only —
never a name, a date of birth or a document number (e-mail leaves the system)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from palermo.core.models import Notification
from palermo.core.roles import Role
from palermo.nrm.services import referral_accept, referral_decline
from palermo.testing.factories import member

from .factories import World, personal_data

pytestmark = pytest.mark.django_db


def assert_no_personal_data(text: str, case) -> None:
    for value in personal_data(case):
        assert value not in text, value


def test_the_receivers_intake_users_are_notified_in_the_app_and_by_mail(
    django_capture_on_commit_callbacks,
):
    world = World()
    case = world.presumed()
    registrar = member(Role.REGISTRAR, institution=world.shelter)  # not an intake role
    gone = member(Role.CASE_WORKER, institution=world.shelter)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral = world.to_shelter(case, ["identity", "health"])
    notes = Notification.objects.filter(kind="referral.received")
    assert {n.user for n in notes} == {world.shelter_worker, world.shelter_supervisor}
    url = f"/nrm/referrals/{referral.pk}/"
    for note in notes:
        assert note.url == url
        assert note.institution_id == world.shelter.pk
        assert case.reference in note.text
        assert_no_personal_data(note.text, case)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.shelter_worker.email, world.shelter_supervisor.email]
    )
    assert registrar.email not in {m.to[0] for m in mail.outbox}
    for message in mail.outbox:
        assert case.reference in message.subject
        assert url in message.body
        assert_no_personal_data(message.subject, case)
        assert_no_personal_data(message.body, case)
    assert all(
        n.emailed_at is not None for n in Notification.objects.filter(kind="referral.received")
    )


def test_nobody_outside_the_receiver_is_notified_of_a_referral(django_capture_on_commit_callbacks):
    world = World()
    case = world.presumed()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world.to_shelter(case, ["identity"])
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert world.police_supervisor.pk not in notified
    assert world.worker.pk not in notified
    assert {m.to[0] for m in mail.outbox} == {
        world.shelter_worker.email,
        world.shelter_supervisor.email,
    }


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_the_sender_hears_the_answer_without_personal_data(
    django_capture_on_commit_callbacks, answer
):
    world = World()
    case = world.presumed()
    referral = world.to_shelter(case, ["identity"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if answer == "accept":
            referral_accept(actor=world.shelter_worker, referral=referral)
        else:
            referral_decline(
                actor=world.shelter_worker, referral=referral, reason="No bed free this month"
            )
    note = Notification.objects.get(kind=f"referral.{answer.rstrip('e')}ed")
    assert note.user == world.worker
    assert case.reference in note.text
    assert_no_personal_data(note.text, case)
    (message,) = mail.outbox
    assert message.to == [world.worker.email]
    assert f"/nrm/referrals/{referral.pk}/" in message.body
    assert_no_personal_data(message.subject + message.body, case)
    assert "No bed free" not in message.body  # the reason stays in the system


def test_a_refused_referral_notifies_nobody(django_capture_on_commit_callbacks):
    world = World()
    case = world.presumed()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        world.to_shelter(case, ["story"])
    assert not Notification.objects.filter(kind="referral.received").exists()
    assert mail.outbox == []
