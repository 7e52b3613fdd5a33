"""Every write of the registry. Views, the API, imports and commands all call these."""

from .attachments import attachment_read, attachment_upload
from .cases import (
    case_seal,
    case_transfer,
    case_unseal,
    case_update,
    team_add,
    team_remove,
)
from .register import CaseInput, ExploitationInput, IdentityInput, person_register
from .relations import relation_add, relation_end

__all__ = [
    "CaseInput",
    "ExploitationInput",
    "IdentityInput",
    "attachment_read",
    "attachment_upload",
    "case_seal",
    "case_transfer",
    "case_unseal",
    "case_update",
    "person_register",
    "relation_add",
    "relation_end",
    "team_add",
    "team_remove",
]
