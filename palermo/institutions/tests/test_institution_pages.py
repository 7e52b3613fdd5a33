"""The institution directory and its administration: who sees what, who may change it."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palermo.accounts.models import User
from palermo.core.access import ensure_can
from palermo.core.models import AuditEntry, CodeItem
from palermo.core.roles import Capability, Role, Section
from palermo.institutions.models import Institution
from palermo.testing.factories import InstitutionFactory, institution_type, member

pytestmark = pytest.mark.django_db

LIST = "/institutions/"
NEW = "/institutions/new/"


def form(type_item, /, **overrides):
    """The institution form's fields; an override of None leaves the field out."""
    data = {
        "code": "police-thb-gjilan",
        "name": "Police THB Regional Unit Gjilan",
        "type": type_item.pk,
        "parent": "",
        "municipality": "Gjilan",
        "active": "on",
        "capabilities": [Capability.LAW_ENFORCEMENT],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_form(institution, /, **overrides):
    data = {
        "code": institution.code,
        "name": institution.name,
        "type": institution.type_id,
        "parent": institution.parent_id or "",
        "municipality": institution.municipality,
        "active": "on" if institution.active else None,
        "capabilities": sorted(institution.capability_codes()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin(client_for):
    return client_for(Role.ADMIN)


@pytest.fixture
def police():
    return institution_type("police")


# --- the directory -------------------------------------------------------------------


def test_directory_shows_active_institutions_to_every_role_and_hides_inactive(client_for):
    InstitutionFactory(name="Open Shelter", capabilities=[Capability.SHELTER])
    InstitutionFactory(name="Closed Shelter", active=False)
    for role in Role.values:
        client = client_for(role)
        response = client.get(LIST)
        html = response.content.decode()
        if role == Role.ADMIN:
            assert "Closed Shelter" in html
            assert 'href="/institutions/new/"' in html
        else:
            assert response.status_code == 200, role
            assert "Open Shelter" in html
            assert "Closed Shelter" not in html, role
            assert 'href="/institutions/new/"' not in html
            for pk in Institution.objects.values_list("pk", flat=True):
                assert f'href="/institutions/{pk}/"' not in html


def test_directory_needs_a_role():
    from django.test import Client

    from palermo.testing.factories import UserFactory

    nobody = UserFactory()
    client = Client()
    client.force_login(nobody)
    assert client.get(LIST).status_code == 403


def test_directory_does_not_grow_queries_with_institutions(admin, django_assert_max_num_queries):
    parent = InstitutionFactory()
    InstitutionFactory(parent=parent, capabilities=[Capability.SHELTER])
    with CaptureQueriesContext(connection) as few:
        admin.get(LIST)
    for n in range(10):
        InstitutionFactory(
            parent=parent,
            type=institution_type(f"type-{n}"),
            capabilities=[Capability.SHELTER, Capability.SERVICE_PROVIDER],
        )
    with django_assert_max_num_queries(len(few)):
        response = admin.get(LIST)
    assert len(response.context["page"].object_list) == Institution.objects.count()


# --- who may change it ---------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_may_create_or_edit_institutions(client_for, role, police):
    existing = InstitutionFactory(name="Before")
    client = client_for(role)
    before = AuditEntry.objects.count()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form(police)).status_code == 403
    assert client.get(f"/institutions/{existing.pk}/").status_code == 403
    response = client.post(f"/institutions/{existing.pk}/", edit_form(existing, name="After"))
    assert response.status_code == 403
    existing.refresh_from_db()
    assert existing.name == "Before"
    assert not Institution.objects.filter(code="police-thb-gjilan").exists()
    assert AuditEntry.objects.count() == before


# --- creating and editing ---------------------------------------------------------------


def test_admin_creates_an_institution_with_type_parent_capabilities_and_is_audited(admin, police):
    directorate = InstitutionFactory(code="police-thb", type=police)
    response = admin.post(
        NEW,
        form(
            police,
            parent=directorate.pk,
            capabilities=[Capability.LAW_ENFORCEMENT, Capability.IDENTIFYING_AUTHORITY],
        ),
    )
    created = Institution.objects.get(code="police-thb-gjilan")
    assert response.status_code == 302
    assert response.url == f"/institutions/{created.pk}/"
    assert created.name == "Police THB Regional Unit Gjilan"
    assert created.type == police
    assert created.parent == directorate
    assert created.municipality == "Gjilan"
    assert created.active
    assert created.capability_codes() == {
        Capability.LAW_ENFORCEMENT,
        Capability.IDENTIFYING_AUTHORITY,
    }
    entry = AuditEntry.objects.get(action="institution.created")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        admin.user.pk,
        "institutions.institution",
        str(created.pk),
    )
    assert "capabilities" in entry.fields


def test_admin_edits_an_institution_and_the_changed_fields_are_audited(admin, police):
    institution = InstitutionFactory(name="Old Name", capabilities=[Capability.SHELTER])
    response = admin.post(
        f"/institutions/{institution.pk}/",
        edit_form(
            institution,
            name="New Name",
            type=police.pk,
            capabilities=[Capability.SHELTER, Capability.SERVICE_PROVIDER],
        ),
    )
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.name == "New Name"
    assert institution.type == police
    assert institution.capability_codes() == {Capability.SHELTER, Capability.SERVICE_PROVIDER}
    entry = AuditEntry.objects.get(action="institution.updated")
    assert sorted(entry.fields) == ["capabilities", "name", "type"]


def test_edit_page_shows_the_current_values(admin):
    institution = InstitutionFactory(
        name="Shown Unit", municipality="Peja", capabilities=[Capability.PROSECUTION]
    )
    response = admin.get(f"/institutions/{institution.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Shown Unit"' in html
    assert 'value="Peja"' in html
    checked = re.findall(
        r'<input type="checkbox" name="capabilities" value="(\w+)"[^>]*checked', html
    )
    assert checked == [Capability.PROSECUTION]


def test_admin_deactivates_an_institution_and_it_leaves_the_directory(admin, client_for):
    institution = InstitutionFactory(name="Closing Unit")
    admin.post(f"/institutions/{institution.pk}/", edit_form(institution, active=None))
    institution.refresh_from_db()
    assert not institution.active
    assert AuditEntry.objects.get(action="institution.updated").fields == ["active"]
    assert "Closing Unit" not in client_for(Role.CASE_WORKER).get(LIST).content.decode()
    assert "Closing Unit" in admin.get(LIST).content.decode()


def test_members_of_a_deactivated_institution_lose_its_roles(admin):
    institution = InstitutionFactory(capabilities=[Capability.SHELTER])
    user = member(Role.CASE_WORKER, institution=institution)
    ensure_can(user, "person.read", section=Section.HEALTH)
    admin.post(f"/institutions/{institution.pk}/", edit_form(institution, active=None))
    fresh = User.objects.get(pk=user.pk)
    assert fresh.principal.institution_id is None
    with pytest.raises(PermissionDenied):
        ensure_can(fresh, "dashboard.view")


def test_admin_cannot_deactivate_the_institution_they_act_as(admin):
    mine = admin.user.memberships.get().institution
    before = AuditEntry.objects.count()
    response = admin.post(f"/institutions/{mine.pk}/", edit_form(mine, active=None))
    assert response.status_code == 400
    assert "active" in response.context["form"].errors
    mine.refresh_from_db()
    assert mine.active
    assert AuditEntry.objects.count() == before


def test_unknown_institution_is_404(admin):
    assert admin.get("/institutions/999999/").status_code == 404


# --- bad input -----------------------------------------------------------------------------


def _refused_on(response, field, message):
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in e for e in errors[field]), errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()


def test_duplicate_code_is_refused_on_the_code_field(admin, police):
    InstitutionFactory(code="police-thb-gjilan", name="The First")
    before = AuditEntry.objects.count()
    response = admin.post(NEW, form(police))
    _refused_on(response, "code", "Another institution already uses this code.")
    assert Institution.objects.filter(code="police-thb-gjilan").count() == 1
    assert AuditEntry.objects.count() == before


def test_a_code_differing_only_in_case_is_a_duplicate(admin, police):
    InstitutionFactory(code="police-thb-gjilan")
    response = admin.post(NEW, form(police, code="Police-THB-Gjilan"))
    _refused_on(response, "code", "Another institution already uses this code.")
    assert Institution.objects.filter(code__iexact="police-thb-gjilan").count() == 1


def test_changing_a_code_to_one_in_use_is_refused(admin):
    InstitutionFactory(code="taken")
    institution = InstitutionFactory(code="mine")
    response = admin.post(f"/institutions/{institution.pk}/", edit_form(institution, code="taken"))
    _refused_on(response, "code", "Another institution already uses this code.")
    institution.refresh_from_db()
    assert institution.code == "mine"


def test_a_parent_cycle_is_refused_on_the_parent_field(admin):
    top = InstitutionFactory(name="Top")
    middle = InstitutionFactory(name="Middle", parent=top)
    bottom = InstitutionFactory(name="Bottom", parent=middle)
    before = AuditEntry.objects.count()
    response = admin.post(f"/institutions/{top.pk}/", edit_form(top, parent=bottom.pk))
    _refused_on(response, "parent", "cannot be its own parent unit")
    top.refresh_from_db()
    assert top.parent_id is None
    assert AuditEntry.objects.count() == before


def test_an_institution_cannot_be_its_own_parent(admin):
    institution = InstitutionFactory()
    response = admin.post(
        f"/institutions/{institution.pk}/", edit_form(institution, parent=institution.pk)
    )
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    institution.refresh_from_db()
    assert institution.parent_id is None


def test_moving_a_unit_under_a_sibling_is_not_a_cycle(admin):
    top = InstitutionFactory()
    left = InstitutionFactory(parent=top)
    right = InstitutionFactory(parent=top)
    response = admin.post(f"/institutions/{right.pk}/", edit_form(right, parent=left.pk))
    assert response.status_code == 302
    right.refresh_from_db()
    assert right.parent == left


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": ""}, "code", "This field is required."),
        ({"code": "has spaces"}, "code", "Enter a valid “slug”"),
        ({"name": ""}, "name", "This field is required."),
        ({"type": ""}, "type", "This field is required."),
        ({"capabilities": ["teleportation"]}, "capabilities", "Select a valid choice."),
        ({"parent": "999999"}, "parent", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_on_the_field_and_writes_nothing(
    admin, police, overrides, field, message
):
    before = (Institution.objects.count(), AuditEntry.objects.count())
    response = admin.post(NEW, form(police, **overrides))
    _refused_on(response, field, message)
    assert (Institution.objects.count(), AuditEntry.objects.count()) == before


def test_only_active_institution_types_are_accepted(admin):
    retired = CodeItem.objects.create(
        list_code="institution_type", code="retired", labels={"en": "Retired"}, active=False
    )
    other_list = CodeItem.objects.create(
        list_code="service_type", code="legal", labels={"en": "Legal aid"}
    )
    for item in (retired, other_list):
        response = admin.post(NEW, form(item))
        _refused_on(response, "type", "Select a valid choice.")
    assert not Institution.objects.filter(code="police-thb-gjilan").exists()


# --- capabilities drive what members may do -------------------------------------------------


def test_removing_capabilities_takes_away_what_members_may_do(admin):
    office = InstitutionFactory(capabilities=[Capability.COORDINATION])
    coordinator = member(Role.COORDINATOR, institution=office)
    ensure_can(coordinator, "person.read", section=Section.METADATA)
    ensure_can(coordinator, "person.break_glass")

    admin.post(f"/institutions/{office.pk}/", edit_form(office, capabilities=[]))
    assert AuditEntry.objects.get(action="institution.updated").fields == ["capabilities"]
    fresh = User.objects.get(pk=coordinator.pk)
    assert fresh.principal.capabilities == frozenset()
    with pytest.raises(PermissionDenied):
        ensure_can(fresh, "person.read", section=Section.METADATA)
    with pytest.raises(PermissionDenied):
        ensure_can(fresh, "person.break_glass")
    ensure_can(fresh, "dashboard.view")  # still a member, just without personal data

    admin.post(
        f"/institutions/{office.pk}/",
        edit_form(office, capabilities=[Capability.COORDINATION]),
    )
    ensure_can(User.objects.get(pk=coordinator.pk), "person.read", section=Section.METADATA)


def test_adding_a_capability_gives_members_what_it_allows(admin):
    unit = InstitutionFactory(capabilities=[])
    investigator = member(Role.INVESTIGATOR, institution=unit)
    with pytest.raises(PermissionDenied):
        ensure_can(investigator, "person.read", section=Section.JUSTICE)
    admin.post(
        f"/institutions/{unit.pk}/", edit_form(unit, capabilities=[Capability.LAW_ENFORCEMENT])
    )
    ensure_can(User.objects.get(pk=investigator.pk), "person.read", section=Section.JUSTICE)
