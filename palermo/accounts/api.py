from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from palermo.core.access import principal_of
from palermo.core.roles import Role

router = Router(tags=["account"])


class InstitutionRef(Schema):
    id: int
    code: str
    name: str


class MeOut(Schema):
    username: str
    active_institution: InstitutionRef | None
    roles: list[str]


@router.get(
    "/me",
    response=MeOut,
    summary="Who the token acts as",
    openapi_extra={"x-palermo-access": "any-token"},
)
def me(request: HttpRequest) -> MeOut:
    from palermo.institutions.models import Institution

    principal = principal_of(request.user)
    institution = Institution.objects.filter(pk=principal.institution_id or 0).first()
    return MeOut(
        username=request.user.get_username(),
        active_institution=(
            InstitutionRef(id=institution.pk, code=institution.code, name=institution.name)
            if institution
            else None
        ),
        roles=[r for r in Role.values if r in principal.roles],
    )
