from __future__ import annotations

from typing import Any

from django import template

from ..holding import holds_case
from ..models import Case

register = template.Library()


@register.simple_tag(takes_context=True)
def holds(context: dict[str, Any], case: Case) -> bool:
    """``{% holds case as holder %}``: whether the viewer holds the case."""
    return holds_case(context["request"].user, case)
