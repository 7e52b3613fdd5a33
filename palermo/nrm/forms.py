from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.core.forms import Form
from palermo.core.models import CodeItem
from palermo.core.roles import Section
from palermo.institutions.models import Institution

from .codes import TRACK_STATES, ClosureReason, ConsentPurpose, ServiceType, Track
from .models import NrmSettings

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def transition_form(rule_id: str, data: Any = None) -> Form:
    """The fields a transition requires (nrm.md): nothing, a reason, dates, a decision."""
    fields: dict[str, forms.Field] = {}
    if rule_id == "T4":
        fields["start_date"] = forms.DateField(
            label=_("Start of the period"), widget=DATE, initial=timezone.localdate
        )
        fields["end_date"] = forms.DateField(label=_("End of the period"), widget=DATE)
    elif rule_id in ("T5", "T6"):
        fields["decision_date"] = forms.DateField(
            label=_("Decision date"), widget=DATE, initial=timezone.localdate
        )
        fields["decision_body"] = forms.CharField(label=_("Decision-making body"), max_length=200)
        fields["grounds"] = forms.CharField(
            label=_("Grounds") if rule_id == "T5" else _("Reasons"),
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Identification is never conditional on cooperation with the police."),
        )
        if rule_id == "T6":
            fields["person_notified_on"] = forms.DateField(
                label=_("Person notified of the decision on"), widget=DATE
            )
    elif rule_id == "T8":
        fields["closure_reason"] = forms.ChoiceField(
            label=_("Closure reason"), choices=ClosureReason.choices
        )
        fields["reason"] = forms.CharField(
            label=_("Details (required for “other”)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    elif rule_id in ("T7", "T9"):
        fields["reason"] = forms.CharField(
            label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
        )
    form_class = type("TransitionForm", (Form,), fields)
    return form_class(data)  # type: ignore[no-any-return]


class ReferralForm(Form):
    to_institution = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Institution.objects.none()
    )
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    sections = forms.MultipleChoiceField(
        label=_("Share these parts of the record"),
        choices=[(s, label) for s, label in Section.choices if s != Section.METADATA],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Need to know: only what the service requires. Case metadata is always shared."
        ),
    )
    note = forms.CharField(
        label=_("Note to the receiving institution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    urgent_without_consent = forms.BooleanField(
        label=_("Urgent: risk to life — share without consent"), required=False
    )
    urgency_justification = forms.CharField(
        label=_("Why this cannot wait for consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, exclude_institution: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = (
            Institution.objects.filter(active=True, capabilities__isnull=False)
            .distinct()
            .order_by("name")
        )
        if exclude_institution:
            qs = qs.exclude(pk=exclude_institution)
        self.fields["to_institution"].queryset = qs  # type: ignore[attr-defined]


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    given_on = forms.DateField(label=_("Given on"), widget=DATE, initial=timezone.localdate)
    language = forms.CharField(label=_("Language of the conversation"), max_length=40)
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    institution_types = forms.MultipleChoiceField(
        label=_("May be shared with (for data sharing)"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sections = forms.MultipleChoiceField(
        label=_("Parts of the record that may be shared"),
        choices=[(s, label) for s, label in Section.choices if s != Section.METADATA],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution_types"].choices = [  # type: ignore[attr-defined]
            (item.code, item.label())
            for item in CodeItem.objects.filter(list_code="institution_type", active=True)
        ]


class TrackForm(Form):
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices)
    state = forms.ChoiceField(
        label=_("Step"),
        choices=[
            (code, f"{Track(track).label}: {label}")
            for track, states in TRACK_STATES.items()
            for code, label in states
        ],
    )
    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)


class BestInterestsForm(Form):
    decided_on = forms.DateField(label=_("Determined on"), widget=DATE, initial=timezone.localdate)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = NrmSettings
        fields = [
            "referral_due_hours",
            "child_referral_due_hours",
            "reflection_min_days",
            "needs_assessment_days",
            "child_needs_assessment_days",
            "referral_response_hours",
            "child_referral_response_hours",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
