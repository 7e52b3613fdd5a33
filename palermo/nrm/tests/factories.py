"""NRM test helpers: institutions with the right capabilities and cases in a given state."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from palermo.core.models import CodeItem
from palermo.core.roles import Capability, Role
from palermo.nrm.codes import ConsentPurpose, ServiceType
from palermo.nrm.services import consent_record, referral_accept, referral_send, transition_apply
from palermo.registry.models import CaseIndicator
from palermo.registry.tests.factories import register
from palermo.testing.factories import InstitutionFactory, institution_type, member

ALL = ["identity", "contact", "location", "health", "story", "assistance", "justice"]


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

    def case(self, *, child: bool = False, **kwargs):
        case = register(self.worker, child=child, **kwargs)
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
