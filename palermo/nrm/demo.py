"""Demo NRM data: cases in every state, referrals in every state, overdue and due-soon
deadlines, a withdrawn consent, child cases with guardians. Built through the services,
as the institutions' users would, on top of the demo registry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from palermo.core.demo import DemoContext
from palermo.core.roles import Section
from palermo.registry.codes import CaseKind, CaseState, RelationKind
from palermo.registry.models import Case, CaseIndicator

from .codes import ConsentPurpose, ServiceType
from .models import Consent, Deadline, Referral
from .services import (
    best_interests_record,
    consent_record,
    consent_withdraw,
    referral_accept,
    referral_complete,
    referral_decline,
    referral_end,
    referral_send,
    referral_withdraw,
    transition_apply,
)

ALL_SECTIONS = [s for s in Section.values if s != Section.METADATA]


def _as(ctx: DemoContext, username: str, institution: str) -> Any:
    user = ctx.users[username]
    user.act_as(ctx.institutions[institution].pk)
    user._registry_scope = None
    return user


def _consent(worker: Any, case: Case) -> None:
    consent_record(
        actor=worker,
        case=case,
        purpose=ConsentPurpose.DATA_SHARING,
        given_on=timezone.localdate() - timedelta(days=2),
        language="sq",
        interpreter_used=False,
        sections=ALL_SECTIONS,
        channel="cli",
    )


def seed_nrm(ctx: DemoContext) -> None:
    if Referral.objects.exists():
        return  # idempotent
    worker = _as(ctx, "caseworker.prishtina", "csw-prishtina")
    supervisor = _as(ctx, "csw.supervisor", "csw-prishtina")
    police_sup = _as(ctx, "police.supervisor", "police-thb")
    shelter_sup = _as(ctx, "shelter.supervisor", "state-shelter")
    police = ctx.institutions["police-thb"]
    shelter = ctx.institutions["state-shelter"]
    cases = [
        c
        for c in Case.objects.filter(
            registering_institution=ctx.institutions["csw-prishtina"],
            kind=CaseKind.NRM,
            sealed=False,
        ).order_by("detection_date", "pk")
        if CaseIndicator.objects.filter(case=c).exists()
    ]
    if len(cases) < 14:
        return
    for case in cases[:14]:
        _consent(worker, case)
        transition_apply(
            actor=worker, case=case, to_state=CaseState.PRESUMED_VICTIM, channel="cli"
        )  # T2
    # 0-1 stay presumed (one overdue, one due soon); the others go to identification.
    Deadline.objects.filter(case=cases[0], kind="referral_due").update(
        due_at=timezone.now() - timedelta(hours=30)
    )
    for case in cases[2:12]:
        referral = referral_send(
            actor=worker,
            case=case,
            to_institution=police,
            service_type=ServiceType.IDENTIFICATION,
            sections=[Section.IDENTITY, Section.CONTACT, Section.STORY],
            channel="cli",
        )
        transition_apply(actor=worker, case=case, to_state=CaseState.REFERRED, channel="cli")  # T3
        if case is not cases[2]:  # cases[2]: the police have not answered yet (overdue)
            referral_accept(actor=police_sup, referral=referral, channel="cli")
    Deadline.objects.filter(case=cases[2], kind="referral_response_due").update(
        due_at=timezone.now() - timedelta(hours=5)
    )
    today = timezone.localdate()
    for case in cases[4:12]:
        transition_apply(
            actor=police_sup,
            case=case,
            to_state=CaseState.RECOVERY_REFLECTION,
            data={
                "start_date": (today - timedelta(days=25)).isoformat(),
                "end_date": (today + timedelta(days=5)).isoformat(),
            },
            channel="cli",
        )  # T4 — reflection ends in 5 days (due soon)
    decision = {
        "decision_date": today.isoformat(),
        "decision_body": "Police THB Directorate identification panel",
        "grounds": "Indicators of sexual exploitation confirmed (demo).",
    }
    for case in cases[6:9]:
        transition_apply(
            actor=police_sup, case=case, to_state=CaseState.IDENTIFIED, data=decision, channel="cli"
        )  # T5
    transition_apply(
        actor=police_sup,
        case=cases[9],
        to_state=CaseState.NOT_IDENTIFIED,
        data={
            **decision,
            "grounds": "No indicator of trafficking was confirmed (demo).",
            "person_notified_on": today.isoformat(),
        },
        channel="cli",
    )  # T6
    for referral in Referral.objects.filter(case__in=[cases[6], cases[7]], state="accepted"):
        referral_complete(actor=police_sup, referral=referral, channel="cli")
    # Closed (T8) after its referral completed; another closed then reopened (T9).
    transition_apply(
        actor=supervisor,
        case=cases[6],
        to_state=CaseState.CLOSED,
        data={"closure_reason": "social_inclusion_completed"},
        channel="cli",
    )
    transition_apply(
        actor=supervisor,
        case=cases[7],
        to_state=CaseState.CLOSED,
        data={"closure_reason": "lost_contact"},
        channel="cli",
    )
    transition_apply(
        actor=supervisor,
        case=cases[7],
        to_state=cases[7].previous_state or CaseState.IDENTIFIED,
        data={"reason": "The person came back to the centre and asked for help."},
        channel="cli",
    )
    # Referrals to the shelter in every other state.
    shelter_sections = [Section.IDENTITY, Section.CONTACT, Section.LOCATION, Section.HEALTH]
    r1 = referral_send(
        actor=worker,
        case=cases[8],
        to_institution=shelter,
        service_type=ServiceType.SHELTER,
        sections=shelter_sections,
        channel="cli",
    )
    referral_accept(actor=shelter_sup, referral=r1, channel="cli")  # accepted
    r2 = referral_send(
        actor=worker,
        case=cases[10],
        to_institution=shelter,
        service_type=ServiceType.SHELTER,
        sections=shelter_sections,
        channel="cli",
    )
    referral_decline(
        actor=shelter_sup, referral=r2, reason="No place available this week (demo).", channel="cli"
    )  # declined
    r3 = referral_send(
        actor=worker,
        case=cases[11],
        to_institution=shelter,
        service_type=ServiceType.SHELTER,
        sections=shelter_sections,
        channel="cli",
    )
    referral_withdraw(
        actor=worker,
        referral=r3,
        reason="The person found accommodation with family (demo).",
        channel="cli",
    )  # withdrawn
    r4 = referral_send(
        actor=worker,
        case=cases[12],
        to_institution=shelter,
        service_type=ServiceType.SHELTER,
        sections=shelter_sections,
        channel="cli",
    )
    referral_accept(actor=shelter_sup, referral=r4, channel="cli")
    referral_end(
        actor=shelter_sup, referral=r4, reason="The person left the shelter (demo).", channel="cli"
    )  # ended
    r5 = referral_send(
        actor=worker,
        case=cases[13],
        to_institution=shelter,
        service_type=ServiceType.SHELTER,
        sections=shelter_sections,
        channel="cli",
    )
    referral_accept(actor=shelter_sup, referral=r5, channel="cli")
    # A withdrawn consent: the shelter's access to cases[13] ends at once.
    consent_withdraw(actor=worker, consent=Consent.objects.get(case=cases[13]), channel="cli")
    _children(ctx, worker)


def _children(ctx: DemoContext, worker: Any) -> None:
    """Child cases with a guardian (a person relation) and a best-interests determination."""
    from palermo.registry.services import CaseInput, IdentityInput, person_register
    from palermo.registry.services.relations import relation_add

    children = Case.objects.filter(
        registering_institution=ctx.institutions["csw-prishtina"], is_child=True, sealed=False
    ).order_by("pk")[:3]
    for child_case in children:
        guardian = person_register(
            actor=worker,
            identity=IdentityInput(
                first_name="Hana", last_name="Kuqi", sex="female", birth_year=1979, citizenship="XK"
            ),
            case=CaseInput(kind=CaseKind.PROTECTION, detection_date=child_case.detection_date),
            search_ran_at=timezone.now(),
            channel="cli",
        )
        relation_add(
            actor=worker,
            from_person=child_case.person,
            to_person=guardian.person,
            kind=RelationKind.GUARDIAN,
            channel="cli",
        )
        best_interests_record(
            actor=worker,
            case=child_case,
            decided_on=timezone.localdate(),
            summary="Stay with the foster family; no return for now (demo).",
            channel="cli",
        )


def reset_nrm() -> None:
    from .models import (
        BestInterestsDetermination,
        IdentificationDecision,
        ReflectionPeriod,
        TrackEvent,
    )

    for model in (
        Deadline,
        TrackEvent,
        BestInterestsDetermination,
        IdentificationDecision,
        ReflectionPeriod,
        Consent,
        Referral,
    ):
        model.objects.all().delete()
