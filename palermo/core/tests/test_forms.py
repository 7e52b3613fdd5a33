"""The shared form renderer writes selects itself: to the character what Django's templates
write, for every kind of select the project uses."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from palermo.core.forms import Form, PalermoFormRenderer, select_html
from palermo.institutions.models import Institution
from palermo.testing.factories import InstitutionFactory


class TemplatesOnly(PalermoFormRenderer):
    """The same renderer with every select going through Django's templates."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        return str(DjangoTemplates.render(self, template_name, context, request))


class Everything(Form):
    plain = forms.ChoiceField(choices=[("", "All"), ("a", "Alpha & <b>"), ("b", "Beta")])
    grouped = forms.ChoiceField(
        choices=[("Europe", [("XK", "Kosovo*"), ("AL", "Albania")]), ("x", 'Other "one"')]
    )
    several = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])
    yes_no = forms.NullBooleanField()
    safe_label = forms.ChoiceField(choices=[("s", mark_safe("<em>safe</em>"))])
    disabled = forms.ChoiceField(choices=[("a", "A")], disabled=True)
    numbers = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)
    custom = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(attrs={"data-x": 'quote"s', "autofocus": True, "hidden": False}),
    )


BOUND = {
    "plain": "a",
    "grouped": "AL",
    "several": ["1", "3"],
    "yes_no": "false",
    "safe_label": "s",
    "numbers": "2",
    "custom": "a",
}


@pytest.mark.nodb
@pytest.mark.parametrize("data", [None, BOUND, {"plain": "<nope>"}])
def test_selects_are_written_as_the_templates_write_them(data: Any) -> None:
    fast = Everything(data, renderer=PalermoFormRenderer())
    slow = Everything(data, renderer=TemplatesOnly())
    if data:
        fast.is_valid()
        slow.is_valid()
    for name in Everything.base_fields:
        assert str(fast[name]) == str(slow[name]), name
    assert "<option" in str(fast["grouped"])
    assert "<optgroup" in str(fast["grouped"])


@pytest.mark.nodb
def test_labels_and_values_are_escaped() -> None:
    html = str(Everything({"plain": "a"}, renderer=PalermoFormRenderer())["plain"])
    assert "Alpha &amp; &lt;b&gt;" in html
    assert '<option value="a" selected>' in html
    custom = str(Everything(renderer=PalermoFormRenderer())["custom"])
    assert 'data-x="quote&quot;s"' in custom
    assert " autofocus" in custom
    assert "hidden" not in custom


@pytest.mark.nodb
def test_a_widget_with_its_own_option_template_keeps_it() -> None:
    context = forms.Select(choices=[("a", "A")]).get_context("f", "a", None)
    context["widget"]["optgroups"][0][1][0]["template_name"] = "my/option.html"
    assert select_html(context["widget"]) is None


@pytest.mark.django_db
def test_model_choices_as_the_templates_write_them() -> None:
    first = InstitutionFactory(name="Police <THB>")
    InstitutionFactory(name="Shelter")

    class Pick(Form):
        institution = forms.ModelChoiceField(Institution.objects.order_by("name"))

    fast = str(Pick({"institution": first.pk}, renderer=PalermoFormRenderer())["institution"])
    slow = str(Pick({"institution": first.pk}, renderer=TemplatesOnly())["institution"])
    assert fast == slow
    assert f'<option value="{first.pk}" selected>Police &lt;THB&gt;</option>' in fast
