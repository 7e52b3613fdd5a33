"""One API request per operation and role, generated from the OpenAPI schema: every
operation declares the policy action it needs (``x-palermo-access``) and answers exactly
as the policy says; without a token every operation answers 401 JSON, never a redirect."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from config.api import api
from palermo.accounts.tokens import token_issue
from palermo.core import policy
from palermo.core.roles import ALL_CAPABILITIES, Role
from palermo.testing.factories import InstitutionFactory, member

PREFIX = "/api/v1"


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]


def concrete(path: str) -> str:
    """Fill path parameters with ids of records that exist for everyone."""
    institution = InstitutionFactory()
    path = re.sub(r"\{institution_id\}", str(institution.pk), path)
    # Registry records that do not exist: an allowed role gets 404, a refused one 403.
    return re.sub(
        r"\{(?:uuid:)?(person|case|referral)_id\}", "00000000-0000-0000-0000-000000000001", path
    )


# A valid body for each operation that takes one, so that the policy (not the body's
# validation) decides; a new POST operation without an entry here fails the test below.
UUID = "00000000-0000-0000-0000-000000000001"
SAMPLE_BODIES = {
    "/api/v1/persons/search": {"last_name": "Krasniqi"},
    "/api/v1/cases/{case_id}/transitions": {"to_state": "closed"},
    "/api/v1/referrals": {"case_id": UUID, "to_institution_id": 1, "service_type": "shelter"},
    **{
        f"/api/v1/referrals/{{referral_id}}/{a}": {"reason": "A reason of some length"}
        for a in ("accept", "decline", "withdraw", "complete", "end")
    },
}


def test_every_operation_with_a_body_has_a_sample_body():
    missing = [p for m, p, op in operations() if "requestBody" in op and p not in SAMPLE_BODIES]
    assert missing == []


def test_every_operation_declares_its_access():
    undeclared = [(m, p) for m, p, op in operations() if "x-palermo-access" not in op]
    assert undeclared == []


def test_paths_have_no_trailing_slash():
    assert [p for _m, p, _op in operations() if p.endswith("/")] == []


@pytest.mark.django_db
def test_without_a_valid_token_every_operation_answers_401_json():
    client = Client()
    for method, path, _op in operations():
        url = concrete(path)
        for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer plm_nope_nope"}):
            response = client.generic(method, url, **headers)
            assert response.status_code == 401, (method, path)
            assert response["Content-Type"].startswith("application/json")
            assert "detail" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_gets_exactly_what_the_policy_allows(role):
    user = member(role, capabilities=tuple(ALL_CAPABILITIES))
    token = token_issue(actor=user, user=user, name="matrix", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    mismatches = []
    for method, path, op in operations():
        action, _sep, section = op["x-palermo-access"].partition(":")
        allowed = action == "any-token" or policy.allows({role}, ALL_CAPABILITIES, action, section)
        body = json.dumps(SAMPLE_BODIES.get(path, {})) if method == "POST" else ""
        response = client.generic(method, concrete(path), body, content_type="application/json")
        ok = response.status_code in (200, 404, 422) if allowed else response.status_code == 403
        if not ok:
            mismatches.append((method, path, allowed, response.status_code))
    assert mismatches == []


@pytest.mark.django_db
def test_unknown_api_paths_answer_json_404():
    user = member(Role.CASE_WORKER, capabilities=tuple(ALL_CAPABILITIES))
    token = token_issue(actor=user, user=user, name="x", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for path in ("/api/v1/nothing", "/api/v1/me/", "/api/v1/institutions/abc"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}


@pytest.mark.django_db
def test_the_api_documentation_needs_a_finished_sign_in():
    from conftest import sign_in

    user = member(Role.CASE_WORKER, capabilities=tuple(ALL_CAPABILITIES))
    half = Client()
    half.force_login(user)  # password only
    assert half.get("/api/v1/docs").status_code == 302
    full = sign_in(Client(), user)
    assert full.get("/api/v1/docs").status_code == 200
    assert Client().get("/api/v1/docs").status_code == 302


@pytest.mark.django_db
def test_a_body_that_is_not_json_answers_422():
    user = member(Role.REGISTRAR, capabilities=tuple(ALL_CAPABILITIES))
    token = token_issue(actor=user, user=user, name="x", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post("/api/v1/persons/search", "not json", content_type="application/json")
    assert response.status_code == 422
    assert "body" in response.json()["detail"]
