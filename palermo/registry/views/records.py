"""Lists and record pages: persons and cases, with exactly the sections a user may see."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.accounts.models import User
from palermo.core import audit
from palermo.core.access import can
from palermo.core.forms import apply_validation_error
from palermo.core.paging import KeysetPage
from palermo.core.roles import Section
from palermo.core.web import perform, requires

from ..access import scope_for
from ..forms import (
    AccessReportForm,
    AttachmentForm,
    CaseFilterForm,
    PersonFilterForm,
    ReasonForm,
    RelationForm,
    SealForm,
    TeamAddForm,
    TransferForm,
)
from ..models import Attachment, Case, CaseTeamMember, Person
from ..selectors import (
    ACCESS_REPORT_ROWS,
    CaseFilter,
    PersonFilter,
    case_detail,
    case_list_page,
    case_rows,
    merged_survivor,
    person_access_entries,
    person_order,
    person_rows,
    person_view,
    persons_for,
)
from ..services import (
    attachment_upload,
    case_seal,
    case_transfer,
    case_unseal,
    relation_add,
    team_add,
    team_remove,
)

PAGE_SIZE = 50
READ = "person.read"


def _visible_case(request: HttpRequest, pk: uuid.UUID) -> Case:
    case = (
        scope_for(request.user)
        .cases()
        .select_related("person", "registration", "lead_institution")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        sealed = Case.objects.filter(pk=pk, sealed=True).exists()
        if sealed:
            # Someone not named on a sealed case tried to open it: the auditor must know.
            audit.record(
                request.user,
                "case.sealed_access_attempt",
                object_type="registry.case",
                object_id=str(pk),
                flagged=True,
            )
        raise Http404
    return case


def _visible_person(request: HttpRequest, pk: uuid.UUID) -> Person:
    person = scope_for(request.user).persons().filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


@requires(READ, Section.METADATA)
def case_list(request: HttpRequest) -> HttpResponse:
    # The list's first page asks for no filter: no form is made for it (its fields' HTML
    # is kept: ``CaseFilterForm.blank_fields_html``).
    form = CaseFilterForm(request.GET) if request.GET else None
    filters, order = CaseFilter(), "-detected"
    if form is not None and form.is_valid():
        data = form.cleaned_data
        filters = CaseFilter(
            kind=data.get("kind") or "",
            state=data.get("state") or "",
            institution_id=data.get("institution"),
            child={"yes": True, "no": False}.get(data.get("child") or ""),
            form=data.get("form") or "",
            year=data.get("year"),
        )
        order = data.get("order") or order
    page = case_list_page(request.user, filters, order, request.GET, PAGE_SIZE)
    rows = case_rows(request.user, page.object_list)
    audit.record_read(
        request.user,
        "registry.case",
        [r.case.pk for r in rows],
        sections=sorted({s for r in rows for s in r.sections}),
    )
    context = {"form": form, "page": page, "rows": rows}
    if request.headers.get("HX-Request"):
        return render(request, "registry/_case_rows.html", context)
    fields = form.fields_html() if form is not None else CaseFilterForm.blank_fields_html()
    return render(request, "registry/case_list.html", {**context, "filter_fields": fields})


@requires(READ, Section.METADATA)
def person_list(request: HttpRequest) -> HttpResponse:
    # Filtered and sorted as the case list is: a bad value is named on its field and the
    # list shown unfiltered, with status 200.
    form = PersonFilterForm(request.GET or None)
    filters, order = PersonFilter(), "-created"
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = PersonFilter(
            child={"yes": True, "no": False}.get(data.get("child") or ""),
            institution_id=data.get("institution"),
            sex=data.get("sex") or "",
            year=data.get("year"),
        )
        order = data.get("order") or order
    # Pages by key, without a total: counting the persons in scope took 25 s at a million.
    page = KeysetPage.seek(
        persons_for(request.user, filters, order), person_order(order), request.GET, PAGE_SIZE
    )
    rows = person_rows(request.user, page.object_list)
    audit.record_read(
        request.user,
        "registry.person",
        [r.person.pk for r in rows],
        sections=[Section.METADATA, Section.IDENTITY],
    )
    return render(request, "registry/person_list.html", {"form": form, "page": page, "rows": rows})


@requires(READ, Section.METADATA)
def person_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    try:
        person = _visible_person(request, pk)
    except Http404:
        survivor = merged_survivor(request.user, pk)
        if survivor is None:
            raise
        messages.info(request, _("This person's records were merged into the record below."))
        return redirect("registry:person", survivor.pk)
    view = person_view(request.user, person)
    audit.record_read(request.user, "registry.person", [person.pk], sections=sorted(view.sections))
    return render(
        request,
        "registry/person_detail.html",
        {
            "view": view,
            "relation_form": RelationForm(),
            "can_relate": can(request.user, "person.relation.manage"),
        },
    )


@requires("person.access_report")
def access_reports(request: HttpRequest) -> HttpResponse:
    """For the auditor: name a person's record (its P-… reference or id) to see who read it.
    POSTed, so that what is typed stays out of the URL and the server's log."""
    form = AccessReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("registry:person_reads", form.cleaned_data["record"].pk)
    status = 400 if form.errors else 200
    return render(request, "registry/access_reports.html", {"form": form}, status=status)


@requires("person.access_report")
def person_reads(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """For the auditor: who read or changed this person's record or cases and when — ids
    only, no content (``selectors.person_access_entries``)."""
    from palermo.core.selectors import label_entries

    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    entries = person_access_entries(person)
    audit.record(
        request.user, "person.access_report", object_type="registry.person", object_id=str(pk)
    )
    return render(
        request,
        "registry/access_report.html",
        {
            "person_id": pk,
            "pseudonym": person.pseudonym,
            "rows": label_entries(entries),
            "limit": ACCESS_REPORT_ROWS,
        },
    )


@require_POST
@requires("person.relation.manage")
def relation_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    person = _visible_person(request, pk)
    form = RelationForm(request.POST)
    if form.is_valid():
        other = (
            scope_for(request.user)
            .persons()
            .filter(pseudonym=form.cleaned_data["other"].strip().upper())
            .first()
        )
        if other is None:
            form.add_error("other", _("No person with this pseudonym in your records."))
        else:
            pair = (person, other) if form.cleaned_data["direction"] == "out" else (other, person)
            try:
                relation_add(
                    actor=request.user,
                    from_person=pair[0],
                    to_person=pair[1],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The relation was recorded."))
                return redirect("registry:person", pk=person.pk)
    view = person_view(request.user, person)
    return render(
        request,
        "registry/person_detail.html",
        {"view": view, "relation_form": form, "can_relate": True},
        status=400,
    )


def _case_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    scope = scope_for(request.user)
    sections = scope.case_sections(case)
    context = {
        "case": case,
        "sections": sections,
        "on_team": case.pk in scope.team_case_ids,
        "shows_identity": Section.IDENTITY in sections,
        "attachments": [a for a in Attachment.objects.filter(case=case) if a.section in sections],
        "can_update": can(request.user, "case.update"),
        "can_team": can(request.user, "case.team.manage"),
        "can_transfer": can(request.user, "case.transfer")
        and case.lead_institution_id == scope.principal.institution_id,
        "can_seal": can(request.user, "case.seal")
        and case.lead_institution_id == scope.principal.institution_id,
        "can_upload": can(request.user, "attachment.upload"),
        "team_form": forms.get("team_form") or TeamAddForm(),
        "transfer_form": forms.get("transfer_form") or TransferForm(),
        "seal_form": forms.get("seal_form") or SealForm(),
        "unseal_form": forms.get("unseal_form") or ReasonForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(sections=sections),
        **case_detail(case),
    }
    return context


@requires(READ, Section.METADATA)
def case_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _visible_case(request, pk)
    context = _case_context(request, case)
    audit.record_read(
        request.user, "registry.case", [case.pk], sections=sorted(context["sections"])
    )
    return render(request, "registry/case_detail.html", context)


def _case_form_response(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    return render(
        request, "registry/case_detail.html", _case_context(request, case, **forms), status=400
    )


@require_POST
@requires("case.team.manage")
def case_team_add(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _visible_case(request, pk)
    form = TeamAddForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        if user is None:
            form.add_error("username", _("No active user with this username."))
        else:
            try:
                team_add(
                    actor=request.user,
                    case=case,
                    user=user,
                    institution=form.cleaned_data["institution"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Added to the case team."))
                return redirect("registry:case", pk=case.pk)
    return _case_form_response(request, case, team_form=form)


@require_POST
@requires("case.team.manage")
def case_team_remove(request: HttpRequest, pk: uuid.UUID, member_id: int) -> HttpResponse:
    case = _visible_case(request, pk)
    member = CaseTeamMember.objects.filter(pk=member_id, case=case).first()
    if member is None:
        raise Http404
    perform(
        request,
        lambda: team_remove(actor=request.user, case=case, member=member),
        _("Removed from the case team."),
    )
    return redirect("registry:case", pk=case.pk)


@require_POST
@requires("case.transfer")
def case_transfer_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _visible_case(request, pk)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            case_transfer(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The case was transferred."))
            return redirect("registry:case", pk=case.pk)
    return _case_form_response(request, case, transfer_form=form)


@require_POST
@requires("case.seal")
def case_seal_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _visible_case(request, pk)
    form = SealForm(request.POST)
    if form.is_valid():
        names = [n.strip() for n in form.cleaned_data["usernames"].split(",") if n.strip()]
        users = list(User.objects.filter(username__in=names, is_active=True))
        missing = sorted(set(names) - {u.username for u in users})
        if missing:
            form.add_error(
                "usernames", _("Unknown users: %(names)s") % {"names": ", ".join(missing)}
            )
        else:
            try:
                case_seal(
                    actor=request.user,
                    case=case,
                    reason=form.cleaned_data["reason"],
                    named_users=users,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The case is sealed."))
                return redirect("registry:case", pk=case.pk)
    return _case_form_response(request, case, seal_form=form)


@require_POST
@requires("case.seal")
def case_unseal_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _visible_case(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            case_unseal(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The case is no longer sealed."))
            return redirect("registry:case", pk=case.pk)
    return _case_form_response(request, case, unseal_form=form)


@require_POST
@requires("attachment.upload")
def attachment_create(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    case = _visible_case(request, pk)
    sections = scope_for(request.user).case_sections(case)
    form = AttachmentForm(request.POST, request.FILES, sections=sections)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            form.add_error("file", _("The file is too large."))
        else:
            try:
                attachment_upload(
                    actor=request.user,
                    case=case,
                    section=form.cleaned_data["section"],
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The file was added."))
                return redirect("registry:case", pk=case.pk)
    return _case_form_response(request, case, attachment_form=form)
