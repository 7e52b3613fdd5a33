"""One request per endpoint and role: every URL declares who may reach it, and the web
layer enforces exactly what the policy table says. Generated from the URL configuration,
so a new page without a declaration, or with the wrong one, fails here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from palermo.core import policy
from palermo.core.roles import ALL_CAPABILITIES, Role
from palermo.testing.factories import InstitutionFactory, UserFactory, member


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else "", p.callback


def web_routes() -> list[tuple[str, str, Any]]:
    return [
        r for r in _walk(get_resolver().url_patterns) if not r[0].lstrip("^").startswith("api/v1/")
    ]


# Arguments for URLs that take them: a route with arguments and no entry here fails.
SAMPLE_KWARGS: dict[str, Callable[[], dict[str, Any]]] = {
    "accounts:user_detail": lambda: {"pk": UserFactory().pk},
    "accounts:user_reset_2fa": lambda: {"pk": UserFactory().pk},
    "accounts:token_revoke": lambda: {"pk": 999999},
    "institutions:edit": lambda: {"pk": InstitutionFactory().pk},
    "core:code_list": lambda: {"list_code": "institution_type"},
    "core:code_item_edit": lambda: {
        "list_code": "institution_type",
        "pk": __import__("palermo.core.models", fromlist=["CodeItem"])
        .CodeItem.objects.filter(list_code="institution_type")
        .first()
        .pk,
    },
    "core:break_glass_review": lambda: {"pk": "00000000-0000-0000-0000-000000000000"},
    # Registry records that do not exist: allowed roles get 404, refused roles 403 first.
    **{
        f"registry:{name}": (lambda: {"pk": "00000000-0000-0000-0000-000000000001"})
        for name in (
            "person",
            "person_reads",
            "relation_create",
            "case",
            "case_team_add",
            "case_transfer",
            "case_seal",
            "case_unseal",
            "attachment_create",
        )
    },
    **{
        f"nrm:{name}": (lambda: {"pk": "00000000-0000-0000-0000-000000000001"})
        for name in ("referral_new", "consent_new", "track_new", "best_interests_new", "referral")
    },
    "nrm:transition": lambda: {"pk": "00000000-0000-0000-0000-000000000001", "to_state": "closed"},
    "nrm:referral_action": lambda: {
        "pk": "00000000-0000-0000-0000-000000000001",
        "action": "accept",
    },
    "nrm:consent_withdraw": lambda: {"pk": 999999},
    "dedup:candidate": lambda: {"pk": "00000000-0000-0000-0000-000000000001"},
    "dedup:decide": lambda: {"pk": "00000000-0000-0000-0000-000000000001", "decision": "accept"},
    "dedup:unmerge": lambda: {"pk": "00000000-0000-0000-0000-000000000001"},
    "registry:case_team_remove": lambda: {
        "pk": "00000000-0000-0000-0000-000000000001",
        "member_id": 1,
    },
    "registry:attachment": lambda: {
        "pk": "00000000-0000-0000-0000-000000000001",
        "attachment_id": "00000000-0000-0000-0000-000000000002",
    },
}


def test_every_web_view_declares_its_access():
    undeclared = [
        (path, name)
        for path, name, view in web_routes()
        if not hasattr(view, "palermo_access") and not path.startswith("static/")
    ]
    assert undeclared == []


def test_every_route_with_arguments_has_sample_arguments():
    missing = [name for path, name, _v in web_routes() if "<" in path and name not in SAMPLE_KWARGS]
    assert missing == []


def _request(client: Client, name: str) -> int:
    url = reverse(name, kwargs=SAMPLE_KWARGS[name]() if name in SAMPLE_KWARGS else None)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response.status_code


def _action_routes() -> list[tuple[str, str, str]]:
    return [
        (name, view.palermo_access[1], view.palermo_access[2])
        for _path, name, view in web_routes()
        if getattr(view, "palermo_access", ("",))[0] == "action"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_reaches_exactly_the_pages_the_policy_allows(role):
    routes = _action_routes()
    assert routes, "no routes declared an action"
    mismatches = []
    for name, action, section in routes:
        user = member(role, capabilities=tuple(ALL_CAPABILITIES))
        client = Client()
        from conftest import sign_in

        sign_in(client, user)
        status = _request(client, name)
        allowed = policy.allows({role}, ALL_CAPABILITIES, action, section)
        # Allowed: the page renders, redirects or reports bad input; refused: 403. A 404 is
        # only acceptable for the placeholder ids used for objects that do not exist.
        ok = (status not in (401, 403)) if allowed else status == 403
        if not ok:
            mismatches.append((name, action, allowed, status))
    assert mismatches == []


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in_everywhere_but_public_pages():
    client = Client()
    for path, name, view in web_routes():
        if not name or path.startswith("static/"):
            continue
        kind = view.palermo_access[0]
        url = reverse(name, kwargs=SAMPLE_KWARGS[name]() if name in SAMPLE_KWARGS else None)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        to_login = response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        )
        if kind == "public":
            assert response.status_code not in (401, 403), name
            assert not to_login, name
        else:
            assert to_login, (name, response.status_code)


@pytest.mark.django_db
def test_a_user_without_second_factor_sees_no_page_before_entering_it():
    user = member(Role.AUDITOR)
    client = Client()
    client.force_login(user)  # password step only
    for _path, name, view in web_routes():
        if not name or view.palermo_access[0] != "action":
            continue
        url = reverse(name, kwargs=SAMPLE_KWARGS[name]() if name in SAMPLE_KWARGS else None)
        response = client.get(url)
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response["Location"] == reverse("accounts:verify"), name


@pytest.mark.django_db
def test_an_international_partner_reaches_no_personal_data_page():
    """Roles count only with the institution's capabilities: a case worker at an institution
    without any is refused wherever the policy needs an institution holding personal data."""
    institution = InstitutionFactory(capabilities=())
    user = member(Role.CASE_WORKER, institution=institution)
    client = Client()
    from conftest import sign_in

    sign_in(client, user)
    for name, action, section in _action_routes():
        rule = policy.POLICY[(action, section)]
        if rule.capabilities is not None:
            assert _request(client, name) == 403, name
