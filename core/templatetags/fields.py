"""``{% field form.q %}``: what ``{% include "includes/field.html" with field=form.q %}``
gives, written in Python where ``core.widgets.field_html`` can (on pages rendered on
every search), else by that template."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from core import widgets

register = template.Library()


@register.simple_tag
def field(bound_field: BoundField) -> SafeString:
    return widgets.field_block(bound_field)
