"""Links between person records: children, dependants, accompanying adult, guardian."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can

from ..codes import RelationKind
from ..models import Person, PersonRelation


@transaction.atomic
def relation_add(
    *, actor: Any, from_person: Person, to_person: Person, kind: str, channel: str = "web"
) -> PersonRelation:
    """Record that ``to_person`` is ``from_person``'s <kind>. Both must be in the actor's scope."""
    from ..access import visible_persons

    principal = ensure_can(actor, "person.relation.manage")
    visible = visible_persons(actor).filter(pk__in=[from_person.pk, to_person.pk]).count()
    if visible != len({from_person.pk, to_person.pk}):
        raise Http404
    if kind not in RelationKind.values:
        raise ValidationError({"kind": _("Unknown relation.")})
    if from_person.pk == to_person.pk:
        raise ValidationError({"to_person": _("A person cannot be related to themselves.")})
    if PersonRelation.objects.filter(
        from_person=from_person, to_person=to_person, kind=kind, ended_at__isnull=True
    ).exists():
        raise ValidationError({"kind": _("This relation is already recorded.")})
    relation = PersonRelation.objects.create(
        from_person=from_person,
        to_person=to_person,
        kind=kind,
        institution_id=principal.institution_id or 0,
        created_by=actor,
    )
    audit.record(
        actor,
        "relation.added",
        relation,
        ids=[from_person.pk, to_person.pk],
        fields=[kind],
        channel=channel,
    )
    return relation


@transaction.atomic
def relation_end(*, actor: Any, relation: PersonRelation, channel: str = "web") -> PersonRelation:
    from ..access import visible_persons

    ensure_can(actor, "person.relation.manage")
    if (
        visible_persons(actor)
        .filter(pk__in=[relation.from_person_id, relation.to_person_id])
        .count()
        != 2
    ):
        raise Http404
    if relation.ended_at is None:
        relation.ended_at = timezone.now()
        relation.save(update_fields=["ended_at"])
        audit.record(actor, "relation.ended", relation, channel=channel)
    return relation
