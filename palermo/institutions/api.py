from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from palermo.core.access import ensure_can

from .access import visible_institutions
from .models import Institution

router = Router(tags=["institutions"])


class InstitutionOut(Schema):
    id: int
    code: str
    name: str
    type: str
    parent_id: int | None
    municipality: str
    active: bool
    capabilities: list[str]

    @staticmethod
    def resolve_type(obj: Institution) -> str:
        return obj.type.code

    @staticmethod
    def resolve_capabilities(obj: Institution) -> list[str]:
        return sorted(c.capability for c in obj.capabilities.all())


def _queryset(request: HttpRequest) -> QuerySet[Institution]:
    ensure_can(request.user, "institution.list")
    return (
        visible_institutions(request.user)
        .select_related("type")
        .prefetch_related("capabilities")
        .order_by("name", "pk")
    )


@router.get(
    "/institutions",
    response=list[InstitutionOut],
    summary="Institutions",
    openapi_extra={"x-palermo-access": "institution.list"},
)
@paginate(LimitOffsetPagination)
def institution_list(request: HttpRequest) -> QuerySet[Institution]:
    return _queryset(request)


@router.get(
    "/institutions/{int:institution_id}",
    response=InstitutionOut,
    summary="One institution",
    openapi_extra={"x-palermo-access": "institution.list"},
)
def institution_detail(request: HttpRequest, institution_id: int) -> Institution:
    return get_object_or_404(_queryset(request), pk=institution_id)
