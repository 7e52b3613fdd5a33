"""Search before create, then register (a new person, or a new registration of a match).

Nothing typed is kept on the server between the two steps: the query travels back in the
POSTed form, and a token carries only the searcher, the search time, the matched person ids
(shown on the page) and the alert ids (``_token``). Names never appear in a URL."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.core import crypto
from palermo.core.web import requires

from ..forms import CaseForm, ExploitationEntryForm, IdentityForm, SearchForm
from ..models import Person
from ..search import SearchQuery, search_persons
from ..selectors import person_rows
from ..services import CaseInput, ExploitationInput, IdentityInput, person_register

TOKEN_SALT = "palermo.registry.search"  # noqa: S105 — a signing namespace, not a secret
TOKEN_MAX_AGE = 60 * 60
# The out-of-scope matches' alerts a token carries, always this many slots (``_token``).
TOKEN_ALERT_SLOTS = 32
QUERY_FIELDS = (
    "first_name",
    "last_name",
    "sex",
    "date_of_birth",
    "birth_year",
    "age",
    "citizenship",
    "document_number",
)


def _query(form: SearchForm) -> SearchQuery:
    data = form.cleaned_data
    return SearchQuery(
        first_name=data.get("first_name") or "",
        last_name=data.get("last_name") or "",
        sex=data.get("sex") or "",
        date_of_birth=data.get("date_of_birth"),
        birth_year=data.get("birth_year"),
        age=data.get("age"),
        citizenship=data.get("citizenship") or "",
        document_number=data.get("document_number") or "",
    )


def _token(
    request: HttpRequest, searched_at: datetime, matches: list[Any], alerts: list[Any]
) -> str:
    """What the registration step needs of the search, for the page's hidden field: signed
    (its age and purpose) over an encryption (``core.crypto``) of the payload. The alert ids
    (matches outside the searcher's scope, which registering links to the new registration)
    must not be readable by the searcher, not even as a count: a signed value is only
    base64, so they are encrypted, in a fixed number of slots of 16 bytes (the most likely
    first; zeros fill the rest), and the token is as long whatever matched elsewhere."""
    slots = b"".join(uuid.UUID(str(a)).bytes for a in alerts[:TOKEN_ALERT_SLOTS])
    payload = {
        "u": request.user.pk,
        "at": searched_at.isoformat(),
        "m": [str(m) for m in matches],
        "a": base64.b64encode(slots.ljust(16 * TOKEN_ALERT_SLOTS, b"\0")).decode(),
    }
    return signing.dumps(crypto.encrypt(json.dumps(payload)), salt=TOKEN_SALT)


def _read_token(request: HttpRequest) -> dict[str, Any] | None:
    try:
        sealed = signing.loads(
            request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
        )
        if not isinstance(sealed, str):  # signed, but not an encrypted payload
            return None
        data = json.loads(crypto.decrypt(sealed))
        slots = base64.b64decode(data["a"])
    except (signing.BadSignature, crypto.DecryptionError, ValueError, TypeError, KeyError):
        return None
    if data.get("u") != request.user.pk:
        return None
    alerts = (uuid.UUID(bytes=slots[i : i + 16]) for i in range(0, len(slots), 16))
    return {**data, "a": [str(a) for a in alerts if a.int]}


@requires("person.search")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        result = search_persons(actor=request.user, query=_query(form))
        persons = [m.person_id for m in result.matches]
        found = list(Person.objects.filter(pk__in=persons)) if persons else []
        rows = {r.person.pk: r for r in person_rows(request.user, found)}
        context.update(
            searched=True,
            matches=[(m, rows.get(m.person_id)) for m in result.matches],
            token=_token(request, result.searched_at, persons, result.alert_ids),
            query_items=[(f, form.data.get(f, "")) for f in QUERY_FIELDS],
        )
    status = 400 if form.errors else 200
    template = (
        "registry/_search_results.html"
        if request.headers.get("HX-Request") and request.method == "POST"
        else "registry/search.html"
    )
    return render(request, template, context, status=status)


def _identity_initial(post: Any) -> dict[str, Any]:
    initial = {f: post.get(f, "") for f in QUERY_FIELDS if f != "age"}
    if post.get("age"):
        initial["age"] = post.get("age")
    return {k: v for k, v in initial.items() if v not in ("", None)}


def _forms(
    request: HttpRequest, bound: bool
) -> tuple[IdentityForm, CaseForm, list[ExploitationEntryForm]]:
    data = request.POST if bound else None
    identity = IdentityForm(
        data, prefix="id", initial=_identity_initial(request.POST) if not bound else None
    )
    case = CaseForm(data, prefix="case")
    exploitations = [ExploitationEntryForm(data, prefix=f"ex{i}") for i in range(2)]
    return identity, case, exploitations


@require_POST
@requires("person.register")
def register(request: HttpRequest) -> HttpResponse:
    token = _read_token(request)
    if token is None:
        messages.error(
            request, _("Search for the person first (the search expires after an hour).")
        )
        return redirect("registry:search")
    person = None
    if request.POST.get("person"):
        if request.POST["person"] not in token["m"]:
            raise Http404
        person = Person.objects.filter(pk=uuid.UUID(request.POST["person"])).first()
        if person is None:
            raise Http404
    saving = request.POST.get("step") == "save"
    identity_form, case_form, exploitation_forms = _forms(request, bound=saving)
    if saving and all(f.is_valid() for f in (identity_form, case_form, *exploitation_forms)):
        try:
            case = person_register(
                actor=request.user,
                identity=IdentityInput(**_identity_data(identity_form.cleaned_data)),
                case=_case_input(case_form.cleaned_data, exploitation_forms),
                person=person,
                search_ran_at=datetime.fromisoformat(token["at"]),
                alert_ids=token["a"],
            )
        except ValidationError as exc:
            _spread_errors(exc, identity_form, case_form, exploitation_forms)
        else:
            messages.success(
                request, _("Registered. Case %(ref)s was opened.") % {"ref": case.reference}
            )
            return redirect("registry:case", pk=case.pk)
    return render(
        request,
        "registry/register.html",
        {
            "identity_form": identity_form,
            "case_form": case_form,
            "exploitation_forms": exploitation_forms,
            "token": request.POST.get("token"),
            "person": person,
        },
        status=400 if saving else 200,
    )


def _identity_data(data: dict[str, Any]) -> dict[str, Any]:
    shelter = data.pop("shelter", None)
    return {
        **{
            k: ("" if v is None and k not in ("date_of_birth", "birth_year", "age") else v)
            for k, v in data.items()
        },
        "shelter_id": shelter.pk if shelter else None,
    }


def _case_input(data: dict[str, Any], exploitation_forms: list[ExploitationEntryForm]) -> CaseInput:
    exploitations = [
        ExploitationInput(
            form=f.cleaned_data["form"],
            labour_sector=f.cleaned_data.get("labour_sector") or "",
            period_start=f.cleaned_data.get("period_start"),
            period_end=f.cleaned_data.get("period_end"),
            country=f.cleaned_data.get("country") or "ZZ",
            means_of_control=f.cleaned_data.get("means_of_control") or [],
            recruiter_relation=f.cleaned_data.get("recruiter_relation") or "unknown",
        )
        for f in exploitation_forms
        if f.cleaned_data.get("form")
    ]
    return CaseInput(
        kind=data["kind"],
        detection_date=data["detection_date"],
        detection_source=data["detection_source"],
        country_of_exploitation=data["country_of_exploitation"],
        municipality_of_exploitation=data.get("municipality_of_exploitation") or "",
        trafficking_scope=data["trafficking_scope"],
        accompaniment=data["accompaniment"],
        story=data.get("story") or "",
        exploitations=exploitations,
        indicator_ids=[i.pk for i in data.get("indicators") or []],
    )


def _spread_errors(
    exc: ValidationError,
    identity: IdentityForm,
    case: CaseForm,
    exploitations: list[ExploitationEntryForm],
) -> None:
    """Put each service error on the form that has the field."""
    if not hasattr(exc, "error_dict"):
        identity.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field.startswith("exploitations["):
            index = int(field[len("exploitations[") : field.index("]")])
            name = field.split(".", 1)[1]
            targets = [f for f in exploitations if f.cleaned_data.get("form")]
            target = targets[index] if index < len(targets) else exploitations[0]
            target.add_error(name if name in target.fields else None, errors)
        elif field in identity.fields:
            identity.add_error(field, errors)
        elif field in case.fields:
            case.add_error(field, errors)
        else:
            identity.add_error(None, errors)
