"""``{% joining_state group as joining %}``: the visitor's request and waiting-list
place for a group, for the public page's "Next step" section."""

from __future__ import annotations

from typing import Any

from django import template

from groups.models import Group

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def joining_state(context: template.Context, group: Group) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return selectors.user_state_for_group(user=user, group=group)


@register.simple_tag(takes_context=True)
def group_notices(context: template.Context, group: Group) -> list[Any]:
    return selectors.recent_notices(group=group)
