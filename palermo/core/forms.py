"""Form rendering shared by every app: Bootstrap classes, labelled errors, ARIA links."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .codelists import CODE_LISTS

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class PalermoFormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        """Selects are written here, to the character what Django's templates write: a
        template per option costs about 50 µs, and the list filters and the country fields
        put dozens to hundreds of options on a page. A widget with an option template of its
        own still goes through the templates."""
        if template_name == SELECT_TEMPLATE:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return str(super().render(template_name, context, request))


def _attrs_html(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict[str, Any]) -> str | None:
    """The HTML of django/forms/widgets/select.html for a widget's template context, or None
    when an option has a template of its own."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped


def styled(field: forms.Field) -> forms.Field:
    """``field`` with its widget's Bootstrap class (for fields a form adds in ``__init__``)."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    return field


class StyledFormMixin:
    """Adds Bootstrap classes; after validation, marks invalid inputs for assistive tech."""

    required_css_class = "required"
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            styled(field)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name, errors in self.errors.items():  # type: ignore[attr-defined]
            if name in self.fields and errors:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                bound = self[name]  # type: ignore[index]
                described = attrs.get("aria-describedby", "")
                attrs["aria-describedby"] = (described + f" {bound.auto_id}_error").strip()
                attrs["class"] = attrs.get("class", "") + " is-invalid"


class Form(StyledFormMixin, forms.Form):
    pass


class ModelForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass


_RENDERED: dict[tuple[Hashable, ...], SafeString] = {}
RENDERED_MAX = 512


def rendered_once(form: forms.BaseForm, template_name: str, *key: Hashable) -> SafeString:
    """``template_name`` rendered with ``{"form": form}``, once per language, bound values of
    the form's fields and ``key`` in this process: for a filter form at the top of a list,
    which every page, Next link and sort order of the list renders again to the same HTML
    (7 fields: 1.7 ms of a 25 ms page). ``key`` must hold whatever else the HTML depends on
    (choices read from the database, as a short digest: ``digest``). The template gets no
    request, so no CSRF token or CSP nonce: for GET forms of codes, never of free text.
    Only an unbound or valid form is kept (an invalid one is rendered each time: its values
    are whatever was typed); past RENDERED_MAX entries the oldest goes."""
    if form.is_bound and not form.is_valid():
        return mark_safe(render_to_string(template_name, {"form": form}))  # noqa: S308 - escaped by the template engine
    values = tuple((name, repr(form[name].data)) for name in form.fields)
    full = (template_name, get_language(), form.prefix, repr(form.initial), values, *key)
    html = _RENDERED.get(full)
    if html is None:
        while len(_RENDERED) >= RENDERED_MAX:
            _RENDERED.pop(next(iter(_RENDERED)), None)  # the oldest (dicts keep insertion order)
        html = _RENDERED[full] = mark_safe(render_to_string(template_name, {"form": form}))  # noqa: S308 - escaped by the template engine
    return html


def digest(value: object) -> str:
    """A short fingerprint of ``value``'s ``repr`` for a memo's key (``rendered_once``)."""
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def apply_validation_error(form: forms.BaseForm, exc: Any) -> None:
    """Put a service's ValidationError on the form, each message on the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def submit[T](form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run a service for a valid bound form and return what it returns; when the form is
    invalid, or the service refuses with a ValidationError (put on the fields it names),
    return None and let the view render the form again."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return call()
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


def label_field(language: str) -> str:
    """The code-list form's field for a language's label: ``label_sr_latn`` for sr-latn."""
    return "label_" + language.replace("-", "_")


def label_languages() -> list[str]:
    """The languages a code list's entries are labelled in: English, then the others the
    instance offers."""
    return ["en", *(code for code, _name in settings.LANGUAGES if code != "en")]


def code_item_initial(labels: dict[str, str]) -> dict[str, str]:
    """The label fields' initial values from an entry's ``labels``."""
    return {label_field(language): labels.get(language, "") for language in label_languages()}


class CodeItemForm(Form):
    code = forms.CharField(label=_("Code"), max_length=64, required=False)
    label_en = forms.CharField(label=_("Label (English)"), max_length=200)
    # One more label field per language the instance offers (``__init__``).
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, list_code: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.list_code = list_code
        # "Label — Serbian (Latin)": a dash, as the language's name may hold parentheses.
        for language, name in settings.LANGUAGES:
            if language != "en":
                self.fields[label_field(language)] = styled(
                    forms.CharField(
                        label=_("Label — %(language)s") % {"language": name},
                        max_length=200,
                        required=False,
                    )
                )
        self.order_fields(["code", *(label_field(language) for language in label_languages())])
        if list_code not in CODE_LISTS:
            raise ValueError(list_code)
        if editing:
            del self.fields["code"]
        else:
            self.fields["code"].required = True
            self.fields["code"].help_text = _(
                "Lower-case letters, digits and underscores. It cannot change later."
            )

    def labels(self) -> dict[str, str]:
        """The labels entered, by language (call once the form is valid)."""
        return {lang: self.cleaned_data[label_field(lang)] for lang in label_languages()}
