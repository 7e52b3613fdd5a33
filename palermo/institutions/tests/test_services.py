"""institution_save: the one write path for institutions (pages, demo data, commands)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.core.models import AuditEntry, CodeItem
from palermo.core.roles import Capability, Role
from palermo.institutions.models import Institution, InstitutionCapability
from palermo.institutions.services import institution_save
from palermo.testing.factories import InstitutionFactory, institution_type, member

pytestmark = pytest.mark.django_db


def save(actor, **kwargs):
    values = {"code": "unit-x", "name": "Unit X", "type": institution_type("police")}
    values.update(kwargs)
    return institution_save(actor=actor, **values)


def refused_on(field: str, call) -> ValidationError:
    before = (
        Institution.objects.count(),
        InstitutionCapability.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    after = (
        Institution.objects.count(),
        InstitutionCapability.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before
    return caught.value


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_an_admin_may_save_an_institution(role):
    actor = member(role, capabilities=tuple(Capability.values))
    with pytest.raises(PermissionDenied):
        save(actor)
    assert not Institution.objects.filter(code="unit-x").exists()


def test_command_line_saves_without_an_actor_and_is_audited_as_such():
    institution = save(None, channel="cli", capabilities=[Capability.SHELTER])
    entry = AuditEntry.objects.get(action="institution.created")
    assert entry.actor_id is None
    assert entry.channel == "cli"
    assert entry.object_id == str(institution.pk)


def test_capabilities_are_set_exactly():
    admin = member(Role.ADMIN)
    institution = save(admin, capabilities=[Capability.SHELTER, Capability.SERVICE_PROVIDER])
    save(admin, institution=institution, capabilities=[Capability.SERVICE_PROVIDER])
    assert institution.capability_codes() == {Capability.SERVICE_PROVIDER}
    save(admin, institution=institution, capabilities=[])
    assert not InstitutionCapability.objects.filter(institution=institution).exists()


def test_saving_without_changes_records_no_changed_fields():
    admin = member(Role.ADMIN)
    institution = save(admin, capabilities=[Capability.SHELTER])
    save(admin, institution=institution, capabilities=[Capability.SHELTER])
    assert AuditEntry.objects.filter(action="institution.updated").get().fields == []


def test_unknown_capability_is_refused():
    admin = member(Role.ADMIN)
    refused_on("capabilities", lambda: save(admin, capabilities=["x-ray-vision"]))


def test_type_from_another_code_list_is_refused():
    admin = member(Role.ADMIN)
    other = CodeItem.objects.create(list_code="service_type", code="police", labels={})
    refused_on("type", lambda: save(admin, type=other))


def test_an_institution_cannot_be_made_its_own_parent_even_without_the_form():
    admin = member(Role.ADMIN)
    institution = InstitutionFactory(code="self-parent")
    refused_on(
        "parent",
        lambda: save(admin, institution=institution, code="self-parent", parent=institution),
    )
    institution.refresh_from_db()
    assert institution.parent_id is None


def test_a_longer_cycle_is_refused_and_nothing_moves():
    admin = member(Role.ADMIN)
    a = InstitutionFactory(code="a")
    b = InstitutionFactory(code="b", parent=a)
    c = InstitutionFactory(code="c", parent=b)
    d = InstitutionFactory(code="d", parent=c)
    refused_on("parent", lambda: save(admin, institution=a, code="a", parent=d))
    assert Institution.objects.get(pk=a.pk).parent_id is None


def test_duplicate_code_is_refused():
    admin = member(Role.ADMIN)
    InstitutionFactory(code="taken")
    refused_on("code", lambda: save(admin, code="taken"))
    refused_on("code", lambda: save(admin, code="TAKEN"))


def test_an_institution_keeps_its_own_code_when_saved_again():
    admin = member(Role.ADMIN)
    institution = save(admin, code="keep-me")
    save(admin, institution=institution, code="keep-me", name="Renamed")
    institution.refresh_from_db()
    assert (institution.code, institution.name) == ("keep-me", "Renamed")


def test_admin_cannot_deactivate_the_institution_they_act_as_but_may_another():
    admin = member(Role.ADMIN)
    mine = admin.principal
    own = Institution.objects.get(pk=mine.institution_id)
    refused_on(
        "active",
        lambda: save(admin, institution=own, code=own.code, name=own.name, active=False),
    )
    other = InstitutionFactory(code="other")
    save(admin, institution=other, code="other", active=False)
    other.refresh_from_db()
    assert not other.active
