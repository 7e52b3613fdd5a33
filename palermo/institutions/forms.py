from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.core.forms import Form
from palermo.core.models import CodeItem
from palermo.core.roles import Capability

from .models import Institution


class InstitutionForm(Form):
    code = forms.SlugField(
        label=_("Code"), max_length=48, help_text=_("Short stable code, e.g. police-thb.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ModelChoiceField(label=_("Type"), queryset=CodeItem.objects.none())
    parent = forms.ModelChoiceField(
        label=_("Parent institution"), queryset=Institution.objects.all(), required=False
    )
    municipality = forms.CharField(label=_("Municipality"), max_length=100, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"),
        choices=Capability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What this institution does in the NRM; combined with users' roles."),
    )

    def __init__(self, *args: Any, instance: Institution | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = CodeItem.objects.filter(  # type: ignore[attr-defined]
            list_code="institution_type", active=True
        )
        if instance is not None:
            self.fields["parent"].queryset = Institution.objects.exclude(pk=instance.pk)  # type: ignore[attr-defined]
