"""``{% inside_url group 'meetings:detail' meeting.pk %}``: an address inside a group.

A builtin in every template (settings ``TEMPLATES``), so templates need no ``{% load %}``
and have no other way to name a page inside a group than by its opaque token.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def inside_url(group: Any, name: str = "groups:inside", *args: Any, **kwargs: Any) -> str:
    return str(group.inside_url(name, *args, **kwargs))
