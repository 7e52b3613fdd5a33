"""Forms of the registry pages. They validate what a person types; services re-check rules."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from palermo.core import countries
from palermo.core.forms import Form, digest, rendered_once
from palermo.core.models import CodeItem
from palermo.core.roles import Capability
from palermo.institutions.models import Institution
from palermo.institutions.selectors import active_choices

from .codes import (
    Accompaniment,
    AttachmentKind,
    CaseKind,
    CaseState,
    DetectionSource,
    DocumentType,
    ExploitationForm,
    LabourSector,
    MeansOfControl,
    RecruiterRelation,
    RelationKind,
    Sex,
    TraffickingScope,
)
from .models import Person
from .services.attachments import ATTACHMENT_SECTIONS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def country_field(label: Any, *, required: bool = True, initial: str = "") -> forms.ChoiceField:
    listed = [("", "—"), *countries.choices()] if not required else countries.choices()
    # Some 250 countries: deep-copied with every form, a twentieth of a search-before-create.
    return forms.ChoiceField(
        label=label, choices=callable_choices(listed), required=required, initial=initial
    )


def callable_choices(choices: list[tuple[str, Any]]) -> Callable[[], list[tuple[str, Any]]]:
    """``choices`` as a callable: a form's fields are deep-copied for every form made, a
    list of choices and its lazy labels with them, a callable not."""
    return lambda: choices


class SearchForm(Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=callable_choices([("", "—"), *Sex.choices]), required=False
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    birth_year = forms.IntegerField(label=_("or year of birth"), required=False, min_value=1900)
    age = forms.IntegerField(
        label=_("or approximate age"), required=False, min_value=0, max_value=110
    )
    citizenship = country_field(_("Citizenship"), required=False)
    document_number = forms.CharField(
        label=_("Identity document number"), max_length=64, required=False
    )

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return value

    def clean_birth_year(self) -> Any:
        value = self.cleaned_data.get("birth_year")
        if value and value > timezone.localdate().year:
            raise forms.ValidationError(_("This year is in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f) for f in ("first_name", "last_name", "document_number")):
            raise forms.ValidationError(_("Type at least a name or a document number."))
        return data


class IdentityForm(Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    other_names = forms.CharField(
        label=_("Other names or aliases"),
        max_length=200,
        required=False,
        help_text=_("Separate several with commas."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    birth_year = forms.IntegerField(label=_("or year of birth"), required=False)
    age = forms.IntegerField(label=_("or estimated age at detection"), required=False)
    presumed_minor = forms.BooleanField(
        label=_("Presumed to be a child (age uncertain)"), required=False
    )
    citizenship = country_field(_("Citizenship"), initial=countries.UNKNOWN)
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=100, required=False)
    municipality = forms.CharField(
        label=_("Municipality of residence"),
        max_length=100,
        required=False,
        help_text=_("For a child, its centre for social work is notified."),
    )
    languages = forms.CharField(label=_("Languages spoken"), max_length=100, required=False)
    document_type = forms.ChoiceField(
        label=_("Identity document"), choices=DocumentType.choices, initial=DocumentType.NONE
    )
    document_number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    document_country = country_field(_("Issuing country"), required=False)
    contact = forms.CharField(
        label=_("Contact details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Encrypted. Phone, e-mail or a safe way to reach the person."),
    )
    current_location = forms.CharField(
        label=_("Current location"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Encrypted; visible to the case team only."),
    )
    shelter = forms.ModelChoiceField(
        label=_("Staying in shelter"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_("Visible to the case team only."),
    )

    def clean(self) -> dict[str, Any]:
        """The same birth rules as the service, so that every error shows at once."""
        from .services.validation import Errors, check_birth

        data = super().clean() or {}
        errors = Errors()
        check_birth(
            errors,
            date_of_birth=data.get("date_of_birth"),
            birth_year=data.get("birth_year"),
            age=data.get("age"),
        )
        for field, messages in errors.errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, messages)
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shelter"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            active=True, capabilities__capability=Capability.SHELTER
        ).order_by("name")


class CaseForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind of case"),
        choices=CaseKind.choices,
        widget=forms.RadioSelect,
        initial=CaseKind.NRM,
    )
    detection_date = forms.DateField(label=_("Date of detection"), widget=DATE)
    detection_source = forms.ChoiceField(
        label=_("Detected through"), choices=DetectionSource.choices
    )
    country_of_exploitation = country_field(_("Country of exploitation"), initial=countries.UNKNOWN)
    municipality_of_exploitation = forms.CharField(
        label=_("Municipality of exploitation"), max_length=100, required=False
    )
    trafficking_scope = forms.ChoiceField(
        label=_("Internal or transnational"),
        choices=TraffickingScope.choices,
        initial=TraffickingScope.UNKNOWN,
    )
    accompaniment = forms.ChoiceField(
        label=_("If a child: accompanied?"),
        choices=[c for c in Accompaniment.choices if c[0] != Accompaniment.NOT_APPLICABLE],
        initial=Accompaniment.UNKNOWN,
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators observed"),
        queryset=CodeItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    story = forms.CharField(
        label=_("Account of the exploitation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Encrypted. Record only what the case needs."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = CodeItem.objects.filter(  # type: ignore[attr-defined]
            list_code="indicator", active=True
        )
        self.fields["indicators"].label_from_instance = lambda item: item.label()  # type: ignore[attr-defined]

    def clean_detection_date(self) -> Any:
        value = self.cleaned_data["detection_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return value


class ExploitationEntryForm(Form):
    """One form of exploitation; the registration page shows two (a case may have several)."""

    form = forms.ChoiceField(
        label=_("Form of exploitation"),
        choices=[("", "—"), *ExploitationForm.choices],
        required=False,
    )
    labour_sector = forms.ChoiceField(
        label=_("Sector (forced labour)"),
        choices=[("", "—"), *LabourSector.choices],
        required=False,
    )
    country = country_field(_("Country"), initial=countries.UNKNOWN)
    period_start = forms.DateField(label=_("From"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("Until"), required=False, widget=DATE)
    means_of_control = forms.MultipleChoiceField(
        label=_("Means of control"),
        choices=MeansOfControl.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    recruiter_relation = forms.ChoiceField(
        label=_("Recruiter"), choices=RecruiterRelation.choices, initial=RecruiterRelation.UNKNOWN
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end is before the start."))
        return data


def _all(choices: list[tuple[str, Any]]) -> Callable[[], list[tuple[str, Any]]]:
    """``choices`` after "All", as a callable (``callable_choices``)."""
    return callable_choices([("", _("All")), *choices])


_ORDERS = callable_choices(
    [
        ("-detected", _("Newest detection first")),
        ("detected", _("Oldest detection first")),
        ("reference", _("Reference")),
        ("state", _("State")),
    ]
)


class _InstitutionFilter(Form):
    """A list filter whose ``institution`` field offers the active institutions, as plain
    choices read at most once a minute (``active_choices``), not a ModelChoiceField: that
    iterates its queryset through a server-side cursor on PostgreSQL, three round trips on
    every list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ChoiceField)
        self.institutions = active_choices()
        field.choices = [("", _("All")), *self.institutions]


class CaseFilterForm(_InstitutionFilter):
    kind = forms.ChoiceField(label=_("Kind"), choices=_all(CaseKind.choices), required=False)
    state = forms.ChoiceField(label=_("State"), choices=_all(CaseState.choices), required=False)
    # Its choices: ``_InstitutionFilter``.
    institution = forms.TypedChoiceField(
        label=_("Institution"), coerce=int, required=False, empty_value=None
    )
    child = forms.ChoiceField(
        label=_("Children"),
        choices=_all([("yes", _("Children only")), ("no", _("Adults only"))]),
        required=False,
    )
    form = forms.ChoiceField(
        label=_("Form of exploitation"), choices=_all(ExploitationForm.choices), required=False
    )
    year = forms.IntegerField(
        label=_("Year of detection"), required=False, min_value=1990, max_value=2100
    )
    order = forms.ChoiceField(label=_("Sort by"), choices=_ORDERS, required=False)

    def fields_html(self) -> SafeString:
        """The filter's fields as HTML, rendered once per distinct filter (``rendered_once``)."""
        return rendered_once(self, "registry/_case_filter_fields.html", digest(self.institutions))

    @classmethod
    def blank_fields_html(cls) -> SafeString:
        """``fields_html`` of a filter nobody filled in (the list's first page), without
        making the form each time: kept per language and active institutions."""
        key = (get_language(), digest(active_choices()))
        html = _BLANK_FIELDS.get(key)
        if html is None:
            if len(_BLANK_FIELDS) >= 64:  # languages × institution lists seen: a few
                _BLANK_FIELDS.clear()
            html = _BLANK_FIELDS[key] = cls().fields_html()
        return html


_BLANK_FIELDS: dict[tuple[Any, ...], SafeString] = {}

_PERSON_ORDERS = callable_choices(
    [
        ("-created", _("Newest first")),
        ("created", _("Oldest first")),
        ("pseudonym", _("Pseudonym")),
    ]
)


class PersonFilterForm(_InstitutionFilter):
    """The person list's filter (``selectors.persons_for`` says what each field means)."""

    child = forms.ChoiceField(
        label=_("Children"),
        choices=_all([("yes", _("Children only")), ("no", _("Adults only"))]),
        required=False,
    )
    # Its choices: ``_InstitutionFilter``.
    institution = forms.TypedChoiceField(
        label=_("Registered by"), coerce=int, required=False, empty_value=None
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=_all(Sex.choices), required=False)
    year = forms.IntegerField(
        label=_("Year registered"), required=False, min_value=1990, max_value=2100
    )
    order = forms.ChoiceField(label=_("Sort by"), choices=_PERSON_ORDERS, required=False)


class TeamAddForm(Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    institution = forms.ModelChoiceField(
        label=_("Acting for institution"), queryset=Institution.objects.filter(active=True)
    )


class TransferForm(Form):
    to_institution = forms.ModelChoiceField(
        label=_("New lead institution"), queryset=Institution.objects.filter(active=True)
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class SealForm(ReasonForm):
    usernames = forms.CharField(
        label=_("Other users who keep access"),
        required=False,
        help_text=_("Usernames separated by commas. You keep access yourself."),
    )


class RelationForm(Form):
    kind = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    other = forms.CharField(
        label=_("Other person's pseudonym"),
        max_length=16,
        help_text=_("The P-… reference shown on the other person's page."),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            ("out", _("The other person is this person's …")),
            ("in", _("This person is the other person's …")),
        ],
        initial="out",
    )


class AttachmentForm(Form):
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"))
    kind = forms.ChoiceField(label=_("Kind of document"), choices=AttachmentKind.choices)
    section = forms.ChoiceField(label=_("Section"), choices=[])

    def __init__(self, *args: Any, sections: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from palermo.core.roles import Section

        self.fields["section"].choices = [  # type: ignore[attr-defined]
            (s, Section(s).label) for s in ATTACHMENT_SECTIONS if s in sections
        ]


class BreakGlassForm(Form):
    reference = forms.CharField(
        label=_("Case reference or person pseudonym"),
        max_length=16,
        help_text=_("C-XXXX-XXXX or P-XXXX-XXXX."),
    )
    reason = forms.CharField(
        label=_("Why you need access now"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At least 15 characters. The auditor reviews every emergency access."),
    )
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=12, initial=3)


class AccessReportForm(Form):
    """The auditor names a person's record by its pseudonymous reference or its id."""

    record = forms.CharField(
        label=_("Person reference (P-…) or record id"),
        max_length=64,
        help_text=_("As shown in the case list, in a person's page or in the audit trail."),
    )

    def clean_record(self) -> Any:
        value = self.cleaned_data["record"].strip()
        # Pseudonyms are upper case: compared as written, the unique index answers (a
        # case-insensitive match reads every person).
        person = Person.objects.filter(pseudonym=value.upper()).first()
        if person is None:
            try:
                person = Person.objects.filter(pk=uuid.UUID(value)).first()
            except ValueError:
                person = None
        if person is None:
            raise forms.ValidationError(_("No person record has this reference or id."))
        return person
