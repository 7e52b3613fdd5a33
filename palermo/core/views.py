"""Core pages: dashboard, health check, audit trail, break-glass review, code lists."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import audit
from .codelists import CODE_LISTS
from .forms import CodeItemForm, Form, code_item_initial, submit
from .models import BreakGlassGrant, CodeItem
from .navigation import panels_for
from .selectors import (
    AuditFilter,
    audit_entries_for,
    audit_page,
    break_glass_grants_for_review,
    label_entries,
)
from .services import break_glass_review, code_item_save
from .web import login_only, public, requires


@public
def healthz(request: HttpRequest) -> HttpResponse:
    """For operators and load balancers: is the database reachable?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@requires("dashboard.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"panels": panels_for(request)})


class AuditFilterForm(Form):
    username = forms.CharField(label=gettext_lazy("User"), required=False, max_length=150)
    institution = forms.TypedChoiceField(
        label=gettext_lazy("Institution"), required=False, coerce=int, empty_value=None
    )
    object_type = forms.CharField(label=gettext_lazy("Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=gettext_lazy("Object id"), required=False, max_length=64)
    action = forms.CharField(
        label=gettext_lazy("Action"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("An action or its beginning, e.g. “auth.” or “person.read”."),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    flagged_only = forms.BooleanField(label=gettext_lazy("Flagged only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.apps import apps

        institution_model = apps.get_model("institutions", "Institution")
        institutions = institution_model.objects.order_by("name").values_list("pk", "name")
        self.fields["institution"].choices = [("", "—"), *institutions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            username=data.get("username") or "",
            institution_id=data.get("institution"),
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            flagged_only=bool(data.get("flagged_only")),
        )


def _audit_filter(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilter | None]:
    form = AuditFilterForm(request.GET or None)
    if not request.GET:
        return form, AuditFilter()
    return form, form.to_filter() if form.is_valid() else None


@requires("audit.read")
def audit_list(request: HttpRequest) -> HttpResponse:
    form, filters = _audit_filter(request)
    rows: list[dict[str, object]] = []
    next_before = None
    if filters is not None:
        try:
            before = int(request.GET.get("before", "") or 0) or None
        except ValueError:
            before = None
        entries = audit_page(audit_entries_for(filters), before=before)
        if len(entries) > 50:
            entries = entries[:50]
            next_before = entries[-1].seq
        rows = label_entries(entries)
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "rows": rows,
        "next_before": next_before,
        "query": query.urlencode(),
    }
    template = "core/_audit_rows.html" if request.headers.get("HX-Request") else "core/audit.html"
    return render(request, template, context)


@requires("audit.export")
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form, filters = _audit_filter(request)
    if filters is None:
        return render(request, "core/audit.html", {"form": form, "rows": []}, status=400)
    audit.record(
        request.user,
        "audit.exported",
        fields=sorted(k for k, v in request.GET.items() if v and k != "before"),
    )
    header = [
        "seq",
        "created_at",
        "actor_id",
        "username",
        "institution_id",
        "action",
        "object_type",
        "object_id",
        "ids",
        "fields",
        "flagged",
        "channel",
        "entry_hash",
    ]

    def rows() -> Iterator[str]:
        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())
        yield writer.writerow(header)
        qs = audit_entries_for(filters)
        chunk: list[object] = []
        for entry in qs.iterator(chunk_size=1000):
            chunk.append(entry)
            if len(chunk) == 1000:
                yield from _export_rows(writer, chunk)
                chunk = []
        yield from _export_rows(writer, chunk)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="palermo-audit.csv"'
    return response


def _export_rows(writer: object, entries: list[object]) -> Iterator[str]:
    for row in label_entries(entries):  # type: ignore[arg-type]
        e = row["entry"]
        yield writer.writerow(  # type: ignore[attr-defined]
            [
                e.seq,
                e.created_at.isoformat(),
                e.actor_id or "",
                row["username"],
                e.institution_id or "",
                e.action,
                e.object_type,
                e.object_id,
                " ".join(e.ids),
                " ".join(e.fields),
                "1" if e.flagged else "",
                e.channel,
                e.entry_hash,
            ]
        )


@requires("audit.read")
def audit_verify(request: HttpRequest) -> HttpResponse:
    result = audit.verify_chain()
    audit.record(request.user, "audit.verified", fields=["ok" if result.ok else "broken"])
    return render(request, "core/_audit_verify.html", {"result": result})


@requires("breakglass.review")
def break_glass_list(request: HttpRequest) -> HttpResponse:
    grants = list(break_glass_grants_for_review()[:200])
    return render(request, "core/break_glass.html", {"grants": grants})


@require_POST
@requires("breakglass.review")
def break_glass_acknowledge(request: HttpRequest, pk: str) -> HttpResponse:
    grant = get_object_or_404(BreakGlassGrant, pk=pk)
    break_glass_review(actor=request.user, grant=grant)
    messages.success(request, _("The break-glass access was marked as reviewed."))
    return redirect("core:break_glass")


@requires("codelist.manage")
def code_lists(request: HttpRequest) -> HttpResponse:
    lists = [{"code": code, "label": label} for code, label in CODE_LISTS.items()]
    return render(request, "core/code_lists.html", {"lists": lists})


@requires("codelist.manage")
def code_list_detail(request: HttpRequest, list_code: str) -> HttpResponse:
    if list_code not in CODE_LISTS:
        raise Http404
    form = CodeItemForm(request.POST or None, list_code=list_code)

    def add() -> CodeItem:
        data = form.cleaned_data
        return code_item_save(
            actor=request.user,
            list_code=list_code,
            code=data["code"],
            labels=form.labels(),
            active=data["active"],
            sort_order=data["sort_order"],
        )

    if submit(form, add) is not None:
        messages.success(request, _("The entry was added."))
        return redirect("core:code_list", list_code=list_code)
    items = CodeItem.objects.filter(list_code=list_code)
    return render(
        request,
        "core/code_list.html",
        {"list_code": list_code, "list_label": CODE_LISTS[list_code], "items": items, "form": form},
        status=400 if form.errors else 200,
    )


@requires("codelist.manage")
def code_item_edit(request: HttpRequest, list_code: str, pk: int) -> HttpResponse:
    item = get_object_or_404(CodeItem, pk=pk, list_code=list_code)
    initial = {
        **code_item_initial(item.labels),
        "sort_order": item.sort_order,
        "active": item.active,
    }
    form = CodeItemForm(request.POST or None, initial=initial, list_code=list_code, editing=True)

    def save() -> CodeItem:
        data = form.cleaned_data
        # Labels in languages the instance no longer offers are kept.
        labels = {**item.labels, **form.labels()}
        return code_item_save(
            actor=request.user,
            list_code=list_code,
            code=item.code,
            labels=labels,
            active=data["active"],
            sort_order=data["sort_order"],
            item=item,
        )

    if submit(form, save) is not None:
        messages.success(request, _("The entry was saved."))
        return redirect("core:code_list", list_code=list_code)
    return render(
        request,
        "core/code_item_edit.html",
        {"item": item, "list_label": CODE_LISTS[list_code], "form": form},
        status=400 if form.errors else 200,
    )


@login_only
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; opening the page marks them read."""
    from django.core.paginator import Paginator
    from django.utils import timezone

    from .models import Notification

    qs = Notification.objects.filter(user_id=request.user.pk or 0).order_by("-created_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unread = [n.pk for n in page.object_list if n.read_at is None]
    response = render(request, "core/notifications.html", {"page": page, "unread": set(unread)})
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response
