"""Writes on institutions (admin only), audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can, principal_of
from palermo.core.models import CodeItem
from palermo.core.roles import Capability

from .models import Institution, InstitutionCapability


def _check_parent(institution: Institution, parent: Institution | None) -> None:
    seen = set()
    node = parent
    while node is not None:
        if node.pk == institution.pk and institution.pk is not None:
            raise ValidationError({"parent": _("An institution cannot be its own parent unit.")})
        if node.pk in seen:
            break
        seen.add(node.pk)
        node = node.parent


@transaction.atomic
def institution_save(
    *,
    actor: Any,
    code: str,
    name: str,
    type: CodeItem,
    parent: Institution | None = None,
    municipality: str = "",
    active: bool = True,
    capabilities: Iterable[str] = (),
    institution: Institution | None = None,
    channel: str = "web",
) -> Institution:
    """Create or update an institution and set its capabilities exactly."""
    if actor is not None:
        ensure_can(actor, "institution.manage")
    caps = set(capabilities)
    unknown = caps - set(Capability.values)
    if unknown:
        raise ValidationError(
            {"capabilities": _("Unknown capability: %(c)s") % {"c": ", ".join(sorted(unknown))}}
        )
    if type.list_code != "institution_type":
        raise ValidationError({"type": _("Choose an institution type.")})
    code = (code or "").strip()
    # Codes differing only in case would name two institutions the same way to a reader.
    others = Institution.objects.exclude(pk=getattr(institution, "pk", 0) or 0)
    if others.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("Another institution already uses this code.")})
    creating = institution is None
    if (
        institution is not None
        and institution.active
        and not active
        and actor is not None
        and principal_of(actor).institution_id == institution.pk
    ):
        # It would take the admin's own roles away with it, as deactivating oneself would.
        raise ValidationError(
            {"active": _("You cannot deactivate the institution you are acting as.")}
        )
    institution = institution or Institution()
    _check_parent(institution, parent)
    before = {
        "code": institution.code,
        "name": institution.name,
        "type": institution.type_id if not creating else None,
        "parent": institution.parent_id,
        "municipality": institution.municipality,
        "active": institution.active if not creating else None,
    }
    institution.code, institution.name, institution.type = code, name.strip(), type
    institution.parent, institution.municipality, institution.active = parent, municipality, active
    institution.full_clean()
    institution.save()
    current = set(institution.capabilities.values_list("capability", flat=True))
    InstitutionCapability.objects.filter(
        institution=institution, capability__in=current - caps
    ).delete()
    for cap in sorted(caps - current):
        InstitutionCapability.objects.create(institution=institution, capability=cap)
    after = {
        "code": institution.code,
        "name": institution.name,
        "type": institution.type_id,
        "parent": institution.parent_id,
        "municipality": institution.municipality,
        "active": institution.active,
    }
    changed = [k for k in after if before[k] != after[k]]
    if current != caps:
        changed.append("capabilities")
    audit.record(
        actor,
        "institution.created" if creating else "institution.updated",
        institution,
        fields=changed,
        channel=channel,
    )
    return institution
