from .cases import (
    Case,
    CaseAccess,
    CaseEvent,
    CaseIndicator,
    CaseSealMember,
    CaseShare,
    CaseTeamMember,
    CaseTransfer,
    Exploitation,
)
from .files import Attachment
from .people import DuplicateAlert, NameKey, Person, PersonRelation, Registration

__all__ = [
    "Attachment",
    "Case",
    "CaseAccess",
    "CaseEvent",
    "CaseIndicator",
    "CaseSealMember",
    "CaseShare",
    "CaseTeamMember",
    "CaseTransfer",
    "DuplicateAlert",
    "Exploitation",
    "NameKey",
    "Person",
    "PersonRelation",
    "Registration",
]
