"""The NRM state machine as a table (nrm.md T1–T9). Who may take each transition is in the
policy table (``nrm.T1`` …); what it requires and checks is here. A pair not in the table
is refused with a message a user can read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from palermo.registry.codes import CaseState as S

OPEN_STATES = (
    S.DETECTED,
    S.PRESUMED_VICTIM,
    S.REFERRED,
    S.RECOVERY_REFLECTION,
    S.IDENTIFIED,
    S.NOT_IDENTIFIED,
    S.OPEN,
)


@dataclass(frozen=True)
class Rule:
    id: str
    label: object
    requires: tuple[str, ...] = ()
    identifying_authority: bool = False  # the actor's institution decides identification

    @property
    def action(self) -> str:
        return f"nrm.{self.id}"


T1 = Rule("T1", _("Turn into an NRM case (detected)"))
T2 = Rule("T2", _("Presumed victim"))
T3 = Rule("T3", _("Referred to the identifying authority"))
T4 = Rule("T4", _("Start the recovery and reflection period"), ("start_date", "end_date"), True)
T5 = Rule("T5", _("Identified as a victim"), ("decision_date", "decision_body", "grounds"), True)
T6 = Rule(
    "T6",
    _("Not identified"),
    ("decision_date", "decision_body", "grounds", "person_notified_on"),
    True,
)
T7 = Rule("T7", _("Reopen: refer again"), ("reason",))
T8 = Rule("T8", _("Close the case"), ("closure_reason",))
T9 = Rule("T9", _("Reopen the closed case"), ("reason",))

TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.OPEN, S.DETECTED): T1,
    (S.OPEN, S.PRESUMED_VICTIM): T2,
    (S.DETECTED, S.PRESUMED_VICTIM): T2,
    (S.PRESUMED_VICTIM, S.REFERRED): T3,
    (S.REFERRED, S.RECOVERY_REFLECTION): T4,
    (S.RECOVERY_REFLECTION, S.IDENTIFIED): T5,
    (S.REFERRED, S.IDENTIFIED): T5,
    (S.RECOVERY_REFLECTION, S.NOT_IDENTIFIED): T6,
    (S.REFERRED, S.NOT_IDENTIFIED): T6,
    (S.NOT_IDENTIFIED, S.REFERRED): T7,
    **{(state, S.CLOSED): T8 for state in OPEN_STATES},
}
# T9 returns a closed case to the state it was closed from (recorded on the case).
REOPEN = T9


def rule_for(from_state: str, to_state: str, previous_state: str = "") -> Rule | None:
    if from_state == S.CLOSED:
        return REOPEN if previous_state and to_state == previous_state else None
    return TRANSITIONS.get((from_state, to_state))


def targets_from(from_state: str, previous_state: str = "") -> list[tuple[str, Rule]]:
    if from_state == S.CLOSED:
        return [(previous_state, REOPEN)] if previous_state else []
    return [(to, rule) for (frm, to), rule in TRANSITIONS.items() if frm == from_state]
