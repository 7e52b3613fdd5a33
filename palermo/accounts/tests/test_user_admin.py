"""User administration: create, edit, roles per institution; admins only; all audited."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.accounts.models import Membership, User
from palermo.core.models import AuditEntry
from palermo.core.roles import Role
from palermo.testing.factories import InstitutionFactory, UserFactory, member

pytestmark = pytest.mark.django_db

NEW = "/accounts/users/new/"
GOOD_PASSWORD = "Plum-Orchard-Lantern-31"


@pytest.fixture
def admin(client_for) -> Client:
    return client_for(Role.ADMIN)


def create_form(institution, /, **overrides):
    """The new-user form's fields; an override of None leaves the field out."""
    data = {
        "username": "new.worker",
        "first_name": "Arta",
        "last_name": "Rama",
        "email": "arta@example.invalid",
        "password": GOOD_PASSWORD,
        "institution": institution.pk,
        "roles": [Role.CASE_WORKER, Role.REGISTRAR],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_form(user, **overrides):
    data = {
        "edit-first_name": user.first_name,
        "edit-last_name": user.last_name,
        "edit-email": user.email,
        "edit-is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- who may ---------------------------------------------------------------------------

ADMIN_PAGES = [
    ("get", "/accounts/users/"),
    ("get", NEW),
    ("post", NEW),
    ("get", "/accounts/users/{pk}/"),
    ("post", "/accounts/users/{pk}/"),
    ("post", "/accounts/users/{pk}/reset-2fa/"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_user_administration_is_forbidden_to_every_other_role(client_for, role, method, path):
    subject = member(Role.CASE_WORKER)
    client = client_for(role)
    before = audit_count()
    response = getattr(client, method)(
        path.format(pk=subject.pk),
        {**edit_form(subject, **{"edit-first_name": "Changed"}), "username": "sneaky"},
    )
    assert response.status_code == 403
    subject.refresh_from_db()
    assert subject.first_name != "Changed"
    assert not User.objects.filter(username="sneaky").exists()
    assert audit_count() == before


def test_anonymous_visitor_is_sent_to_sign_in():
    response = Client().get(NEW)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_admin_in_an_inactive_institution_is_no_longer_an_admin(client_for):
    institution = InstitutionFactory()
    user = member(Role.ADMIN, institution=institution)
    institution.active = False
    institution.save()
    assert client_for(user).get("/accounts/users/").status_code == 403


# --- creating --------------------------------------------------------------------------


def test_admin_creates_a_user_with_an_institution_and_roles(admin):
    institution = InstitutionFactory()
    response = admin.post(NEW, create_form(institution))
    user = User.objects.get(username="new.worker")
    assert response.status_code == 302
    assert response.url == f"/accounts/users/{user.pk}/"
    assert user.check_password(GOOD_PASSWORD)
    assert (user.first_name, user.last_name, user.email) == ("Arta", "Rama", "arta@example.invalid")
    assert set(user.memberships.values_list("institution_id", "role")) == {
        (institution.pk, Role.CASE_WORKER),
        (institution.pk, Role.REGISTRAR),
    }
    assert user.last_institution_id == institution.pk
    assert user.principal.roles == {Role.CASE_WORKER, Role.REGISTRAR}
    created = AuditEntry.objects.get(action="user.created")
    changed = AuditEntry.objects.get(action="membership.changed")
    assert (created.actor_id, created.object_id) == (admin.user.pk, str(user.pk))
    assert changed.ids == [str(institution.pk)]
    assert changed.fields == ["+case_worker", "+registrar"]
    trail = repr(list(AuditEntry.objects.values()))
    assert GOOD_PASSWORD not in trail
    assert "arta@example.invalid" not in trail


def _assert_refused_on(response, field: str, message: str) -> None:
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in e for e in errors[field]), errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "Short-pw-9"}, "password", "too short"),
        ({"password": "password1234"}, "password", "too common"),
        ({"roles": None}, "roles", "This field is required."),
        ({"roles": ["superhero"]}, "roles", "Select a valid choice."),
        ({"username": ""}, "username", "This field is required."),
        ({"username": "has space"}, "username", "Enter a valid username."),
        ({"username": "x" * 151}, "username", "at most 150 characters"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"institution": ""}, "institution", "This field is required."),
    ],
)
def test_bad_input_rerenders_with_the_message_on_the_field_and_writes_nothing(
    admin, overrides, field, message
):
    institution = InstitutionFactory()
    users_before, before = User.objects.count(), audit_count()
    response = admin.post(NEW, create_form(institution, **overrides))
    _assert_refused_on(response, field, message)
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(institution=institution).exists()
    assert audit_count() == before


def test_duplicate_username_is_refused_whatever_its_case(admin):
    UserFactory(username="new.worker")
    institution = InstitutionFactory()
    before = audit_count()
    response = admin.post(NEW, create_form(institution, username="New.Worker"))
    _assert_refused_on(response, "username", "This username is taken.")
    assert User.objects.filter(username__iexact="new.worker").count() == 1
    assert not Membership.objects.filter(institution=institution).exists()
    assert audit_count() == before


def test_inactive_institution_is_refused_and_nothing_is_written(admin):
    institution = InstitutionFactory(active=False)
    before = audit_count()
    response = admin.post(NEW, create_form(institution))
    _assert_refused_on(response, "institution", "Select a valid choice.")
    assert not User.objects.filter(username="new.worker").exists()
    assert audit_count() == before


def test_if_the_roles_cannot_be_given_the_new_user_is_not_left_behind(admin, monkeypatch):
    from django.core.exceptions import ValidationError

    from palermo.accounts import services

    def refuse(**kwargs):
        raise ValidationError({"roles": "Refused for the test."})

    monkeypatch.setattr(services, "memberships_set", refuse)
    before = audit_count()
    response = admin.post(NEW, create_form(InstitutionFactory()))
    _assert_refused_on(response, "roles", "Refused for the test.")
    assert not User.objects.filter(username="new.worker").exists()
    assert audit_count() == before


def test_inactive_institutions_are_not_offered(admin):
    active = InstitutionFactory(name="Open Unit")
    inactive = InstitutionFactory(name="Closed Unit", active=False)
    html = admin.get(NEW).content.decode()
    assert f'value="{active.pk}"' in html
    assert f'value="{inactive.pk}"' not in html


# --- editing ---------------------------------------------------------------------------


def test_admin_edits_a_users_details_and_the_change_is_audited(admin):
    user = member(Role.CASE_WORKER)
    response = admin.post(
        f"/accounts/users/{user.pk}/",
        edit_form(user, **{"edit-last_name": "Gashi", "edit-email": "new@example.invalid"}),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.last_name, user.email) == ("Gashi", "new@example.invalid")
    entry = AuditEntry.objects.get(action="user.updated")
    assert (entry.actor_id, entry.object_id) == (admin.user.pk, str(user.pk))
    assert entry.fields == ["email", "last_name"]


def test_admin_deactivates_a_user_who_is_then_signed_out(admin, client_for):
    user = member(Role.CASE_WORKER)
    users_client = client_for(user)
    assert users_client.get("/").status_code == 200
    admin.post(f"/accounts/users/{user.pk}/", edit_form(user, **{"edit-is_active": ""}))
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEntry.objects.get(action="user.updated").fields == ["is_active"]
    response = users_client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_bad_details_are_refused_on_the_field_and_nothing_changes(admin):
    user = member(Role.CASE_WORKER)
    before = audit_count()
    response = admin.post(
        f"/accounts/users/{user.pk}/", edit_form(user, **{"edit-email": "not-an-email"})
    )
    assert response.status_code == 400
    assert "email" in response.context["edit_form"].errors
    user.refresh_from_db()
    assert user.email != "not-an-email"
    assert audit_count() == before


def test_admin_cannot_deactivate_themselves(admin):
    me = admin.user
    before = audit_count()
    response = admin.post(f"/accounts/users/{me.pk}/", edit_form(me, **{"edit-is_active": ""}))
    assert response.status_code == 400
    assert response.context["edit_form"].errors["is_active"] == [
        "You cannot deactivate your own account."
    ]
    me.refresh_from_db()
    assert me.is_active
    assert audit_count() == before


def test_unknown_user_is_404(admin):
    assert admin.get("/accounts/users/999999/").status_code == 404
    assert admin.post("/accounts/users/999999/reset-2fa/").status_code == 404


# --- roles per institution ----------------------------------------------------------


def roles_form(institution, roles):
    return {"m-institution": institution.pk, "m-roles": roles}


def test_admin_sets_roles_per_institution_and_each_change_is_audited(admin):
    home = InstitutionFactory()
    second = InstitutionFactory()
    user = member(Role.CASE_WORKER, institution=home)
    url = f"/accounts/users/{user.pk}/"
    assert admin.post(url, roles_form(second, [Role.REGISTRAR])).status_code == 302
    assert admin.post(url, roles_form(home, [Role.SUPERVISOR])).status_code == 302
    assert set(user.memberships.values_list("institution_id", "role")) == {
        (home.pk, Role.SUPERVISOR),
        (second.pk, Role.REGISTRAR),
    }
    entries = AuditEntry.objects.filter(action="membership.changed").order_by("seq")
    assert [(e.ids, e.fields) for e in entries] == [
        ([str(second.pk)], ["+registrar"]),
        ([str(home.pk)], ["+supervisor", "-case_worker"]),
    ]
    # Unticking every role removes the user from that institution.
    admin.post(url, {"m-institution": second.pk})
    assert not user.memberships.filter(institution=second).exists()
    assert AuditEntry.objects.filter(action="membership.changed").count() == 3


def test_saving_the_same_roles_again_writes_no_audit_entry(admin):
    institution = InstitutionFactory()
    user = member(Role.CASE_WORKER, institution=institution)
    before = audit_count()
    admin.post(f"/accounts/users/{user.pk}/", roles_form(institution, [Role.CASE_WORKER]))
    assert audit_count() == before


def test_roles_cannot_be_given_in_an_inactive_institution(admin):
    inactive = InstitutionFactory(active=False)
    user = member(Role.CASE_WORKER)
    before = audit_count()
    response = admin.post(f"/accounts/users/{user.pk}/", roles_form(inactive, [Role.SUPERVISOR]))
    assert response.status_code == 400
    assert "institution" in response.context["membership_form"].errors
    assert not user.memberships.filter(institution=inactive).exists()
    assert audit_count() == before


def test_admin_cannot_remove_their_own_last_admin_role(admin):
    me = admin.user
    institution = me.memberships.get().institution
    before = audit_count()
    response = admin.post(f"/accounts/users/{me.pk}/", roles_form(institution, [Role.AUDITOR]))
    assert response.status_code == 400
    assert response.context["membership_form"].errors["roles"] == [
        "You cannot remove your own last administrator role."
    ]
    assert set(me.memberships.values_list("role", flat=True)) == {Role.ADMIN}
    assert audit_count() == before
    # Removing the whole membership is the same thing.
    admin.post(f"/accounts/users/{me.pk}/", {"m-institution": institution.pk})
    assert me.memberships.filter(role=Role.ADMIN).exists()


def test_admin_may_drop_an_admin_role_while_holding_another(admin):
    me = admin.user
    home = me.memberships.get().institution
    other = InstitutionFactory()
    member(Role.ADMIN, institution=other, user=me)
    response = admin.post(f"/accounts/users/{me.pk}/", roles_form(other, []))
    assert response.status_code == 302
    assert set(me.memberships.values_list("institution_id", "role")) == {(home.pk, Role.ADMIN)}


def test_an_admin_role_in_an_inactive_institution_does_not_count_as_another(admin):
    me = admin.user
    home = me.memberships.get().institution
    closed = InstitutionFactory()
    member(Role.ADMIN, institution=closed, user=me)
    closed.active = False
    closed.save()
    response = admin.post(f"/accounts/users/{me.pk}/", roles_form(home, [Role.AUDITOR]))
    assert response.status_code == 400
    assert me.memberships.filter(institution=home, role=Role.ADMIN).exists()


def test_admin_may_remove_another_admins_role(admin):
    other = member(Role.ADMIN)
    institution = other.memberships.get().institution
    admin.post(f"/accounts/users/{other.pk}/", roles_form(institution, [Role.AUDITOR]))
    assert set(other.memberships.values_list("role", flat=True)) == {Role.AUDITOR}


# --- the list --------------------------------------------------------------------------


def test_user_list_searches_by_name_and_does_not_grow_queries_with_users(
    admin, django_assert_max_num_queries
):
    member(Role.CASE_WORKER, user=UserFactory(username="findme", last_name="Hoxha"))
    member(Role.CASE_WORKER, user=UserFactory(username="zz.other", last_name="Shala"))
    response = admin.get("/accounts/users/", {"q": "hoxha"})
    html = response.content.decode()
    assert "findme" in html
    assert "zz.other" not in html

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin.get("/accounts/users/")
    for _ in range(10):
        member((Role.CASE_WORKER, Role.REGISTRAR))
    with django_assert_max_num_queries(len(few)):
        response = admin.get("/accounts/users/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == User.objects.count()
