"""Bearer-token authentication for the JSON API (personal access tokens)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import User
from .tokens import token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``. The request acts as the token's institution."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = token_authenticate(token)
        if api_token is None:
            return None
        user = api_token.user
        user.act_as(api_token.institution_id)
        if user.principal.institution_id != api_token.institution_id:
            return None  # the membership behind the token was removed
        request.user = user
        return user
