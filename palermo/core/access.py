"""Access decisions: the acting principal, ``ensure_can`` and the scope registry.

A decision has two halves. The policy table (``policy.py``) says whether the principal's
roles, in its active institution, may take an action at all. The owning app's scope
check says whether a particular record exists for this user (its ``visible_<x>(user)``).
An out-of-scope record is reported as *not found*, never as *forbidden*, so that its
existence is not confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import policy


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user, *as* one of their institutions, with that membership's roles."""

    user_id: int
    institution_id: int | None
    roles: frozenset[str] = frozenset()
    capabilities: frozenset[str] = frozenset()
    institution_ids: frozenset[int] = field(default=frozenset())  # every membership

    def can(self, action: str, section: str = "") -> bool:
        return self.institution_id is not None and policy.allows(
            self.roles, self.capabilities, action, section
        )


NOBODY = Principal(user_id=0, institution_id=None)


def principal_of(user: Any) -> Principal:
    """The principal a user acts as (set per request by the accounts middleware)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    principal = getattr(user, "principal", None)
    return principal if isinstance(principal, Principal) else NOBODY


def can(user: Any, action: str, section: str = "") -> bool:
    return principal_of(user).can(action, section)


ScopeCheck = Callable[[Any, Any], bool]
_SCOPE_CHECKS: dict[type, ScopeCheck] = {}


def register_scope(model: type, check: ScopeCheck) -> None:
    """Apps register how to tell whether one of their records is in a user's scope."""
    _SCOPE_CHECKS[model] = check


def ensure_can(user: Any, action: str, obj: Any = None, *, section: str = "") -> Principal:
    """Raise unless ``user`` may take ``action`` (on ``obj``'s ``section``).

    - The policy refuses: ``PermissionDenied`` (the user knows the feature exists).
    - ``obj`` is outside the user's scope: ``Http404`` (the record does not exist for them).
    """
    principal = principal_of(user)
    if not principal.can(action, section):
        raise PermissionDenied(action)
    if obj is not None:
        check = _SCOPE_CHECKS.get(type(obj))
        if check is None:
            raise LookupError(f"no scope check registered for {type(obj).__name__}")
        if not check(user, obj):
            raise Http404
    return principal
