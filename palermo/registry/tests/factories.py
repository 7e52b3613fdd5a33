"""Registering test persons through the real service (so every rule and index applies)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from palermo.core.roles import Capability, Role
from palermo.core.services import break_glass_grant
from palermo.registry.models import Case, CaseAccess
from palermo.registry.services import CaseInput, ExploitationInput, IdentityInput, person_register
from palermo.testing.factories import InstitutionFactory, member

PERSONAL = (Capability.SERVICE_PROVIDER,)


def registrar(**kwargs: Any):
    kwargs.setdefault("capabilities", PERSONAL)
    return member((Role.REGISTRAR, Role.CASE_WORKER), **kwargs)


def register(
    actor,
    first: str = "Arta",
    last: str = "Krasniqi",
    *,
    person=None,
    child: bool = False,
    kind: str = "nrm",
    document_number: str = "",
    detection: date | None = None,
    **identity: Any,
) -> Case:
    detection = detection or timezone.localdate() - timedelta(days=30)
    identity.setdefault("sex", "female")
    if "date_of_birth" not in identity and "birth_year" not in identity and "age" not in identity:
        identity["date_of_birth"] = detection - timedelta(days=(14 if child else 30) * 365)
    return person_register(
        actor=actor,
        identity=IdentityInput(
            first_name=first,
            last_name=last,
            citizenship=identity.pop("citizenship", "XK"),
            document_type="passport" if document_number else "none",
            document_number=document_number,
            **identity,
        ),
        case=CaseInput(
            kind=kind,
            detection_date=detection,
            detection_source="police",
            accompaniment="unaccompanied" if child else "not_applicable",
            story="Recruited with a false job offer.",
            exploitations=[
                ExploitationInput(form="sexual", country="XK", means_of_control=["threats"])
            ],
        ),
        person=person,
        search_ran_at=timezone.now(),
    )


def break_glass(actor, person, reason: str = "Life-threatening situation, holder unreachable"):
    """``actor`` breaks the glass on ``person`` (raises as the service does)."""
    return break_glass_grant(
        actor=actor,
        action="person.break_glass",
        target_type="registry.person",
        target_id=str(person.pk),
        reason=reason,
    )


def other_institution_user(roles=(Role.REGISTRAR, Role.CASE_WORKER), **kwargs: Any):
    return member(roles, institution=InstitutionFactory(capabilities=PERSONAL), **kwargs)


def institution_of(user):
    """The institution ``user`` belongs to (the first, for a member of several)."""
    return user.memberships.first().institution


def share(case: Case, institution: Any) -> CaseAccess:
    """``institution`` holds ``case`` too, as after an accepted referral (every section)."""
    from palermo.registry.services.holds import access_changed

    access = CaseAccess.objects.create(
        case=case,
        institution=institution,
        source=CaseAccess.Source.REFERRAL,
        detection_date=case.detection_date,
    )
    access_changed([case.pk])
    return access


PLANS = ["shares", "walk-in-order", "by-holder-list"]


def take_plan(monkeypatch, plan: str, own, other) -> None:
    """Make the list take ``plan``: in detection order it reads the two institutions'
    shares (``CaseShare``, whatever is patched here); in another order it walks the list or
    collects the filtered institution's cases."""
    from palermo.registry import selectors

    # The filtered institution small: collecting its cases is cheap unless walking is free.
    monkeypatch.setattr(selectors, "cases_held", lambda: {other.pk: 1, own.pk: 10**6})
    monkeypatch.setattr(selectors, "WALK_COST", 0 if plan == "walk-in-order" else 10**9)
