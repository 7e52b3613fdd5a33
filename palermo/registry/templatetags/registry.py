from __future__ import annotations

import html as _html
from functools import partial
from typing import Any

from django import template
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..holding import holds_case
from ..models import Case
from ..selectors import CaseRow

register = template.Library()
_esc = partial(_html.escape, quote=True)  # Django's escape, without the lazy-string check


@register.simple_tag(takes_context=True)
def holds(context: dict[str, Any], case: Case) -> bool:
    """``{% holds case as holder %}``: whether the viewer holds the case."""
    return holds_case(context["request"].user, case)


@register.simple_tag
def case_rows(rows: list[CaseRow]) -> SafeString:
    """``{% case_rows rows %}``: the table rows of a case list. Written here rather than as a
    template loop: the list is the most read page, and fifty rows through the template
    engine cost more than the rest of the page. Every value is escaped (``html.escape``,
    as Django's ``escape`` does, without its lazy-string wrapper fifty times eight)."""
    # Translated outside the f-strings below: xgettext does not look inside them.
    if not rows:
        empty = escape(_("No cases match."))
        return mark_safe(f'<tr><td colspan="7">{empty}</td></tr>\n')  # noqa: S308
    sealed_label, child_label = escape(_("Sealed")), escape(_("Child"))
    sealed = f' <span class="badge text-bg-dark">{sealed_label}</span>'
    child = f' <span class="badge text-bg-warning">{child_label}</span>'
    short_date = get_format("SHORT_DATE_FORMAT")
    # A page repeats a handful of kinds, states, sets of forms and dates: each is translated,
    # formatted and escaped once a page, not once a row.
    labels: dict[tuple[str, Any], str] = {}

    def label(attribute: str, row: CaseRow, key: Any) -> str:
        try:
            return labels[attribute, key]
        except KeyError:
            value = labels[attribute, key] = _esc(getattr(row, attribute))
            return value

    html = []
    for row in rows:
        case = row.case
        html.append(
            "<tr>\n"
            f'  <td class="text-nowrap"><a href="{_esc(row.url)}">{_esc(case.reference)}</a>'
            f"{sealed if case.sealed else ''}</td>\n"
            f"  <td>{_esc(row.display_name)}{child if case.is_child else ''}</td>\n"
            f"  <td>{label('kind_label', row, case.kind)}</td>\n"
            f"  <td>{label('state_label', row, case.state)}</td>\n"
            f'  <td class="text-nowrap">{_date(case.detection_date, short_date, labels)}</td>\n'
            f'  <td class="small">{label("forms_label", row, tuple(row.shown_forms))}</td>\n'
            f'  <td class="small">{"; ".join(map(_esc, row.institutions))}</td>\n'
            "</tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


def _date(value: Any, format: str, memo: dict[tuple[str, Any], str]) -> str:
    try:
        return memo["date", value]
    except KeyError:
        text = memo["date", value] = _esc(dateformat.format(value, format))
        return text
