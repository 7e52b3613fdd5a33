"""NRM test helpers: institutions with the right capabilities and cases in a given state."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from django.test import Client
from django.utils import timezone

from palermo.accounts.models import User
from palermo.accounts.tokens import token_issue
from palermo.core.models import CodeItem
from palermo.core.roles import Capability, Role
from palermo.nrm.codes import ConsentPurpose, ServiceType
from palermo.nrm.models import Referral
from palermo.nrm.services import consent_record, referral_accept, referral_send, transition_apply
from palermo.registry.models import CaseIndicator
from palermo.registry.tests.factories import register
from palermo.testing.factories import InstitutionFactory, institution_type, member

ALL = ["identity", "contact", "location", "health", "story", "assistance", "justice"]
# What the world's default person is called: no output outside the case team may carry it.
FIRST, LAST = "Arta", "Krasniqi"
DOCUMENT = "AB1234567"
STORY = "Recruited with a false job offer."


def fresh(user: User) -> User:
    """The same user loaded again: no cached principal or scope from earlier calls."""
    return User.objects.get(pk=user.pk)


class World:
    """A small mechanism: a centre for social work holding cases, the police as identifying
    authority, a shelter, and users of the usual roles in each."""

    def __init__(self) -> None:
        self.csw = InstitutionFactory(
            name="CSW",
            type=institution_type("social_work_centre"),
            capabilities=(Capability.CHILD_PROTECTION, Capability.SERVICE_PROVIDER),
            municipality="Prizren",
        )
        self.police = InstitutionFactory(
            name="Police THB",
            type=institution_type("police"),
            capabilities=(Capability.LAW_ENFORCEMENT, Capability.IDENTIFYING_AUTHORITY),
        )
        self.shelter = InstitutionFactory(
            name="Shelter",
            type=institution_type("shelter"),
            capabilities=(Capability.SHELTER, Capability.SERVICE_PROVIDER),
        )
        self.worker = member((Role.CASE_WORKER, Role.REGISTRAR), institution=self.csw)
        self.csw_supervisor = member(Role.SUPERVISOR, institution=self.csw)
        self.police_supervisor = member(Role.SUPERVISOR, institution=self.police)
        self.shelter_worker = member(Role.CASE_WORKER, institution=self.shelter)
        self.shelter_supervisor = member(Role.SUPERVISOR, institution=self.shelter)

    # Made on first use only, so that worlds that do not need them stay small.
    @cached_property
    def coordination(self):
        return InstitutionFactory(
            name="National coordinator",
            type=institution_type("ministry"),
            capabilities=(Capability.COORDINATION,),
        )

    @cached_property
    def coordinator(self):
        return member(Role.COORDINATOR, institution=self.coordination)

    @cached_property
    def investigator(self):
        return member(Role.INVESTIGATOR, institution=self.police)

    @cached_property
    def outsider(self):
        """A case worker of an institution that has nothing to do with the world's cases."""
        return member(
            (Role.CASE_WORKER, Role.SUPERVISOR),
            institution=InstitutionFactory(
                name="Elsewhere", capabilities=(Capability.SERVICE_PROVIDER,)
            ),
        )

    def case(self, *, child: bool = False, **kwargs):
        kwargs.setdefault("document_number", DOCUMENT)
        case = register(self.worker, FIRST, LAST, child=child, **kwargs)
        indicator = CodeItem.objects.filter(list_code="indicator").first()
        CaseIndicator.objects.create(case=case, indicator=indicator, noted_by=self.worker)
        return case

    def consent(self, case, sections=ALL, types=()):
        return consent_record(
            actor=self.worker,
            case=case,
            purpose=ConsentPurpose.DATA_SHARING,
            given_on=timezone.localdate() - timedelta(days=1),
            language="sq",
            sections=sections,
            institution_types=types,
        )

    def presumed(self, **kwargs):
        case = self.case(**kwargs)
        self.consent(case)
        return transition_apply(actor=self.worker, case=case, to_state="presumed_victim")

    def referred(self, **kwargs):
        case = self.presumed(**kwargs)
        referral = referral_send(
            actor=self.worker,
            case=case,
            to_institution=self.police,
            service_type=ServiceType.IDENTIFICATION,
            sections=["identity", "story"],
        )
        case = transition_apply(actor=self.worker, case=case, to_state="referred")
        referral_accept(actor=self.police_supervisor, referral=referral)
        return case

    def reflecting(self, **kwargs):
        case = self.referred(**kwargs)
        today = timezone.localdate()
        return transition_apply(
            actor=self.police_supervisor,
            case=case,
            to_state="recovery_reflection",
            data={
                "start_date": today.isoformat(),
                "end_date": (today + timedelta(days=30)).isoformat(),
            },
        )

    def to_shelter(
        self, case, sections=("identity",), *, accept: bool = False, **kwargs
    ) -> Referral:
        """A referral of ``case`` from the CSW to the shelter (accepted if asked)."""
        kwargs.setdefault("service_type", ServiceType.SHELTER)
        referral = referral_send(
            actor=self.worker,
            case=case,
            to_institution=self.shelter,
            sections=list(sections),
            **kwargs,
        )
        if accept:
            referral = referral_accept(actor=self.shelter_worker, referral=referral)
        return referral


def api(user: User) -> Client:
    """An API client acting as ``user`` (a personal access token, as users get them)."""
    token = token_issue(actor=user, user=user, name="t", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def personal_data(case) -> list[str]:
    """The person's identifying values as they could appear in any output."""
    registration = case.registration
    values = [registration.first_name, registration.last_name, registration.document_number]
    if registration.date_of_birth:
        dob = registration.date_of_birth
        values += [dob.isoformat(), dob.strftime("%d.%m.%Y"), dob.strftime("%m/%d/%Y")]
    return [v for v in values if v]
