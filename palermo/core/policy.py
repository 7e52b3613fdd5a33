"""The access-policy table: role × institution capability × action × record section.

One table for the whole system. ``allows()`` answers the role/capability half of a
decision; whether a particular record is in the user's scope (institution, referral,
case team, break-glass, oversight) is answered by the owning app's ``access.py``.
``docs/access-matrix.md`` is generated from this table (``manage.py access_matrix``)
and a test keeps it current, so every change to who-may-do-what shows in review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .roles import ALL_CAPABILITIES, ALL_ROLES, Capability, Role, Section

R = Role
S = Section

# Institutions that hold personal data have at least one capability; an institution with
# none (an international partner, a ministry without an NRM function) gets no personal data
# whatever roles its users hold.
PERSONAL_DATA_INSTITUTION: frozenset[str] = ALL_CAPABILITIES
ANY_INSTITUTION: None = None


@dataclass(frozen=True)
class Rule:
    """Who may take an action on a section: any of ``roles`` in an institution with any
    of ``capabilities`` (``None`` means any institution, including one with none)."""

    roles: frozenset[str]
    capabilities: frozenset[str] | None = ANY_INSTITUTION
    description: str = ""

    def allows(self, roles: Iterable[str], capabilities: Iterable[str]) -> bool:
        if self.roles.isdisjoint(roles):
            return False
        return self.capabilities is None or not self.capabilities.isdisjoint(capabilities)


def _r(*roles: str, caps: Iterable[str] | None = ANY_INSTITUTION, why: str = "") -> Rule:
    return Rule(frozenset(roles), None if caps is None else frozenset(caps), why)


NO_SECTION = ""

RECORD_READERS = (R.REGISTRAR, R.CASE_WORKER, R.SUPERVISOR, R.INVESTIGATOR, R.VICTIM_ADVOCATE)

# (action, section) -> Rule. Actions without sections use NO_SECTION.
POLICY: dict[tuple[str, str], Rule] = {
    # --- everyone ---------------------------------------------------------
    ("dashboard.view", NO_SECTION): _r(*ALL_ROLES, why="home page"),
    ("institution.list", NO_SECTION): _r(*ALL_ROLES, why="directory of institutions"),
    ("token.manage_own", NO_SECTION): _r(*ALL_ROLES, why="personal API tokens"),
    # --- administration ---------------------------------------------------
    ("institution.manage", NO_SECTION): _r(R.ADMIN),
    ("user.manage", NO_SECTION): _r(R.ADMIN),
    ("codelist.manage", NO_SECTION): _r(R.ADMIN),
    # --- audit ------------------------------------------------------------
    ("audit.read", NO_SECTION): _r(R.AUDITOR),
    ("audit.export", NO_SECTION): _r(R.AUDITOR),
    ("breakglass.review", NO_SECTION): _r(R.AUDITOR),
    # --- break-glass on a person's record ---------------------------------
    ("person.break_glass", NO_SECTION): _r(
        R.SUPERVISOR, R.INVESTIGATOR, R.COORDINATOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    # --- the registry (scope decided by palermo.registry.access) ----------------
    ("person.search", NO_SECTION): _r(
        R.REGISTRAR, R.CASE_WORKER, R.SUPERVISOR, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("person.register", NO_SECTION): _r(
        R.REGISTRAR, R.CASE_WORKER, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION, why="T1"
    ),
    ("registration.update", NO_SECTION): _r(
        R.REGISTRAR, R.CASE_WORKER, R.SUPERVISOR, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("case.update", NO_SECTION): _r(
        R.CASE_WORKER, R.SUPERVISOR, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("case.team.manage", NO_SECTION): _r(
        R.CASE_WORKER, R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("case.transfer", NO_SECTION): _r(R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION),
    ("case.seal", NO_SECTION): _r(R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION),
    ("person.relation.manage", NO_SECTION): _r(
        R.REGISTRAR, R.CASE_WORKER, R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("attachment.upload", NO_SECTION): _r(
        R.REGISTRAR,
        R.CASE_WORKER,
        R.SUPERVISOR,
        R.INVESTIGATOR,
        R.VICTIM_ADVOCATE,
        caps=PERSONAL_DATA_INSTITUTION,
    ),
    ("person.access_report", NO_SECTION): _r(R.AUDITOR, why="who read a record, ids only"),
    ("duplicate.review", NO_SECTION): _r(R.COORDINATOR, caps={Capability.COORDINATION}),
    # --- the National Referral Mechanism (palermo.nrm) --------------------------
    ("nrm.T1", NO_SECTION): _r(
        R.REGISTRAR, R.INVESTIGATOR, R.CASE_WORKER, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("nrm.T2", NO_SECTION): _r(R.CASE_WORKER, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION),
    ("nrm.T3", NO_SECTION): _r(R.CASE_WORKER, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION),
    ("nrm.T4", NO_SECTION): _r(R.SUPERVISOR, caps={Capability.IDENTIFYING_AUTHORITY}),
    ("nrm.T5", NO_SECTION): _r(R.SUPERVISOR, caps={Capability.IDENTIFYING_AUTHORITY}),
    ("nrm.T6", NO_SECTION): _r(R.SUPERVISOR, caps={Capability.IDENTIFYING_AUTHORITY}),
    ("nrm.T7", NO_SECTION): _r(R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION),
    ("nrm.T8", NO_SECTION): _r(R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION),
    ("nrm.T9", NO_SECTION): _r(R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION),
    ("referral.send", NO_SECTION): _r(
        R.CASE_WORKER, R.SUPERVISOR, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("referral.respond", NO_SECTION): _r(
        R.CASE_WORKER, R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION, why="intake users"
    ),
    ("referral.withdraw", NO_SECTION): _r(
        R.CASE_WORKER, R.SUPERVISOR, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("referral.close", NO_SECTION): _r(
        R.CASE_WORKER, R.SUPERVISOR, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("referral.list", NO_SECTION): _r(*RECORD_READERS, caps=PERSONAL_DATA_INSTITUTION),
    ("consent.record", NO_SECTION): _r(
        R.REGISTRAR, R.CASE_WORKER, R.SUPERVISOR, R.INVESTIGATOR, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("track.record", NO_SECTION): _r(
        R.CASE_WORKER, R.SUPERVISOR, R.VICTIM_ADVOCATE, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("child.bid.record", NO_SECTION): _r(
        R.CASE_WORKER, R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION, why="best interests"
    ),
    ("nrm.settings", NO_SECTION): _r(R.COORDINATOR, caps={Capability.COORDINATION}),
    ("nrm.oversight", NO_SECTION): _r(R.COORDINATOR, caps={Capability.COORDINATION}),
    # --- person records, section by section (scope decided by the registry) ------
    ("person.read", S.METADATA): _r(
        *RECORD_READERS, R.COORDINATOR, caps=PERSONAL_DATA_INSTITUTION, why="oversight"
    ),
    ("person.read", S.IDENTITY): _r(*RECORD_READERS, caps=PERSONAL_DATA_INSTITUTION),
    ("person.read", S.CONTACT): _r(*RECORD_READERS, caps=PERSONAL_DATA_INSTITUTION),
    ("person.read", S.LOCATION): _r(
        R.CASE_WORKER, R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION, why="case team only"
    ),
    ("person.read", S.HEALTH): _r(R.CASE_WORKER, R.SUPERVISOR, caps=PERSONAL_DATA_INSTITUTION),
    ("person.read", S.STORY): _r(
        R.CASE_WORKER,
        R.SUPERVISOR,
        R.INVESTIGATOR,
        R.VICTIM_ADVOCATE,
        caps=PERSONAL_DATA_INSTITUTION,
    ),
    ("person.read", S.ASSISTANCE): _r(
        R.CASE_WORKER, R.SUPERVISOR, R.VICTIM_ADVOCATE, caps=PERSONAL_DATA_INSTITUTION
    ),
    ("person.read", S.JUSTICE): _r(
        R.SUPERVISOR, R.INVESTIGATOR, R.VICTIM_ADVOCATE, caps=PERSONAL_DATA_INSTITUTION
    ),
}

ACTIONS: frozenset[str] = frozenset(action for action, _section in POLICY)


class UnknownActionError(ValueError):
    """A programming error: an action or section that is not in the policy table."""


def sections_of(action: str) -> list[str]:
    return [section for (a, section) in POLICY if a == action]


def allows(
    roles: Iterable[str], capabilities: Iterable[str], action: str, section: str = ""
) -> bool:
    """Whether some role held, in an institution with these capabilities, may take ``action``
    on ``section``. Unknown actions raise: a typo must never silently deny (or allow)."""
    try:
        rule = POLICY[(action, section)]
    except KeyError:
        raise UnknownActionError(
            f"{action!r} on section {section!r} is not in the policy table"
        ) from None
    roles = frozenset(roles)
    unknown = roles - ALL_ROLES
    if unknown:
        raise UnknownActionError(f"unknown roles {sorted(unknown)}")
    return rule.allows(roles, capabilities)


def roles_allowed(action: str, section: str = "") -> frozenset[str]:
    return POLICY[(action, section)].roles


def matrix_rows() -> list[tuple[str, str, str, str]]:
    """(action, section, roles, capabilities) rows for the generated documentation."""
    rows = []
    for (action, section), rule in sorted(POLICY.items()):
        roles = ", ".join(r for r in Role.values if r in rule.roles)
        caps = (
            "any institution"
            if rule.capabilities is None
            else (
                "any with personal data"
                if rule.capabilities == PERSONAL_DATA_INSTITUTION
                else ", ".join(c for c in Capability.values if c in rule.capabilities)
            )
        )
        rows.append((action, section or "—", roles, caps))
    return rows
