"""Demo institutions: a realistic National Referral Mechanism (Kosovo* setting).

* All references to Kosovo are without prejudice to positions on status, in line with
  UNSCR 1244.
"""

from __future__ import annotations

from palermo.core.demo import DemoContext
from palermo.core.models import CodeItem
from palermo.core.roles import Capability as C

from .models import Institution
from .services import institution_save

# code, name, type, parent code, municipality, capabilities
DEMO_INSTITUTIONS: list[tuple[str, str, str, str | None, str, tuple[str, ...]]] = [
    (
        "nac",
        "Office of the National Anti-Trafficking Coordinator (Ministry of Internal Affairs)",
        "national_coordinator",
        None,
        "Prishtinë/Priština",
        (C.COORDINATION,),
    ),
    (
        "police-thb",
        "Police — Directorate for Investigation of Trafficking in Human Beings",
        "police",
        None,
        "Prishtinë/Priština",
        (C.LAW_ENFORCEMENT, C.IDENTIFYING_AUTHORITY),
    ),
    (
        "police-thb-prizren",
        "Police THB Regional Unit Prizren",
        "police",
        "police-thb",
        "Prizren",
        (C.LAW_ENFORCEMENT,),
    ),
    (
        "police-thb-peja",
        "Police THB Regional Unit Pejë/Peć",
        "police",
        "police-thb",
        "Pejë/Peć",
        (C.LAW_ENFORCEMENT,),
    ),
    (
        "vaao",
        "State Prosecutor — Victim Advocacy and Assistance Office",
        "prosecution",
        None,
        "Prishtinë/Priština",
        (C.PROSECUTION, C.IDENTIFYING_AUTHORITY),
    ),
    (
        "csw-prishtina",
        "Centre for Social Work Prishtinë/Priština",
        "social_work_centre",
        None,
        "Prishtinë/Priština",
        (C.CHILD_PROTECTION, C.SERVICE_PROVIDER),
    ),
    (
        "csw-prizren",
        "Centre for Social Work Prizren",
        "social_work_centre",
        None,
        "Prizren",
        (C.CHILD_PROTECTION, C.SERVICE_PROVIDER),
    ),
    (
        "state-shelter",
        "State Shelter for Victims of Trafficking",
        "shelter",
        None,
        "",
        (C.SHELTER, C.SERVICE_PROVIDER),
    ),
    ("ngo-shelter-a", "NGO Shelter “Mbrojtja”", "ngo", None, "", (C.SHELTER, C.SERVICE_PROVIDER)),
    (
        "ngo-shelter-b",
        "NGO Shelter “Shpresa e Re”",
        "ngo",
        None,
        "",
        (C.SHELTER, C.SERVICE_PROVIDER),
    ),
    (
        "labour-inspectorate",
        "Labour Inspectorate",
        "labour_inspectorate",
        None,
        "Prishtinë/Priština",
        (C.LAW_ENFORCEMENT,),
    ),
    (
        "intl-partner",
        "International partner (Council of Europe project office)",
        "international",
        None,
        "Prishtinë/Priština",
        (),
    ),
]


def seed_institutions(ctx: DemoContext) -> None:
    types = {item.code: item for item in CodeItem.objects.filter(list_code="institution_type")}
    for code, name, type_code, parent_code, municipality, caps in DEMO_INSTITUTIONS:
        existing = Institution.objects.filter(code=code).first()
        parent = ctx.institutions.get(parent_code) if parent_code else None
        unchanged = (
            existing is not None
            and existing.name == name
            and existing.type_id == types[type_code].pk
            and existing.parent_id == getattr(parent, "pk", None)
            and existing.active
            and existing.capability_codes() == frozenset(caps)
        )
        institution = (
            existing
            if unchanged
            else institution_save(
                actor=None,
                code=code,
                name=name,
                type=types[type_code],
                parent=parent,
                municipality=municipality,
                active=True,
                capabilities=caps,
                institution=existing,
                channel="cli",
            )
        )
        ctx.institutions[code] = institution


def reset_institutions() -> None:
    codes = [row[0] for row in DEMO_INSTITUTIONS]
    # Units before their parents (parent is PROTECTed).
    Institution.objects.filter(code__in=codes, parent__isnull=False).delete()
    Institution.objects.filter(code__in=codes).delete()
