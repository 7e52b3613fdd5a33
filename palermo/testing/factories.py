"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.models import Membership, User
from palermo.core.models import CodeItem
from palermo.institutions.models import Institution, InstitutionCapability

TEST_PASSWORD = "Correct-Horse-Battery-9"


def institution_type(code: str = "ngo") -> CodeItem:
    item, _created = CodeItem.objects.get_or_create(
        list_code="institution_type", code=code, defaults={"labels": {"en": code}}
    )
    return item


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"inst-{n}")
    name = factory.Sequence(lambda n: f"Institution {n}")
    type = factory.LazyFunction(institution_type)
    active = True

    @factory.post_generation
    def capabilities(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for cap in extracted or ():
            InstitutionCapability.objects.create(institution=self, capability=cap)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    first_name = "Test"
    last_name = "User"

    @factory.post_generation
    def password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        self.save(update_fields=["password"])


def member(
    roles: tuple[str, ...] | list[str] | str,
    *,
    institution: Institution | None = None,
    capabilities: tuple[str, ...] = (),
    user: User | None = None,
    totp: bool = True,
) -> User:
    """A user holding ``roles`` in ``institution`` (made with ``capabilities`` if not given)."""
    if isinstance(roles, str):
        roles = (roles,)
    institution = institution or InstitutionFactory(capabilities=capabilities)
    user = user or UserFactory()
    for role in roles:
        Membership.objects.get_or_create(user=user, institution=institution, role=role)
    if user.last_institution_id is None:
        user.last_institution = institution
        user.save(update_fields=["last_institution"])
    if totp and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    user.__dict__.pop("principal", None)
    return user
