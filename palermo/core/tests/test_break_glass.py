"""Break-glass: emergency access with a stated reason, limited in time, flagged for audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palermo.core.models import AuditEntry, BreakGlassGrant
from palermo.core.roles import Capability, Role
from palermo.core.selectors import active_break_glass_ids
from palermo.core.services import break_glass_grant, break_glass_review, break_glass_revoke
from palermo.testing.factories import member

pytestmark = pytest.mark.django_db
REASON = "Victim at risk, case worker unreachable overnight"


def supervisor():
    return member(Role.SUPERVISOR, capabilities=(Capability.SERVICE_PROVIDER,))


def grant(user, target_id="p-1", **kwargs):
    return break_glass_grant(
        actor=user,
        action="person.break_glass",
        target_type="people.person",
        target_id=target_id,
        reason=kwargs.pop("reason", REASON),
        **kwargs,
    )


def test_a_grant_lasts_three_hours_by_default_and_is_flagged():
    user = supervisor()
    before = timezone.now()
    g = grant(user)
    assert timedelta(hours=3) <= g.expires_at - before < timedelta(hours=3, seconds=5)
    entry = AuditEntry.objects.get(action="breakglass.granted")
    assert entry.flagged
    assert entry.object_id == "p-1"
    assert REASON not in str(entry.ids) + str(entry.fields)  # the reason stays in the grant


def test_the_grant_gives_access_until_it_expires():
    user = supervisor()
    g = grant(user, target_id="p-7")
    assert list(active_break_glass_ids(user, "people.person")) == ["p-7"]
    BreakGlassGrant.objects.filter(pk=g.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert list(active_break_glass_ids(user, "people.person")) == []


def test_a_revoked_grant_gives_no_access():
    user = supervisor()
    g = grant(user)
    break_glass_revoke(actor=user, grant=g)
    assert list(active_break_glass_ids(user, "people.person")) == []
    assert AuditEntry.objects.filter(action="breakglass.revoked").exists()


def test_grants_are_personal():
    user, other = supervisor(), supervisor()
    grant(user)
    assert list(active_break_glass_ids(other, "people.person")) == []


@pytest.mark.parametrize("reason", ["", "   ", "because"])
def test_a_reason_is_required(reason):
    user = supervisor()
    with pytest.raises(ValidationError) as exc:
        grant(user, reason=reason)
    assert "reason" in exc.value.message_dict
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEntry.objects.filter(action="breakglass.granted").exists()


@pytest.mark.parametrize("hours", [0, 13, -1])
def test_the_duration_is_bounded(hours):
    with pytest.raises(ValidationError) as exc:
        grant(supervisor(), hours=hours)
    assert "hours" in exc.value.message_dict


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.ANALYST, Role.ADMIN, Role.AUDITOR])
def test_roles_without_the_right_cannot_break_the_glass(role):
    user = member(role, capabilities=(Capability.SERVICE_PROVIDER,))
    with pytest.raises(PermissionDenied):
        grant(user)
    assert not BreakGlassGrant.objects.exists()


def test_an_institution_without_capabilities_cannot_break_the_glass():
    user = member(Role.SUPERVISOR, capabilities=())
    with pytest.raises(PermissionDenied):
        grant(user)


def test_only_auditors_review_grants(client_for):
    g = grant(supervisor())
    with pytest.raises(PermissionDenied):
        break_glass_review(actor=supervisor(), grant=g)
    auditor = client_for(Role.AUDITOR)
    page = auditor.get("/audit/break-glass/")
    assert page.status_code == 200
    assert REASON in page.content.decode()
    response = auditor.post(f"/audit/break-glass/{g.pk}/review/")
    assert response.status_code == 302
    g.refresh_from_db()
    assert g.reviewed_by == auditor.user
    assert client_for(Role.SUPERVISOR).get("/audit/break-glass/").status_code == 403
