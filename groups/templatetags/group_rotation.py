"""Host turns and contact person for the inside page's rotation include."""

from __future__ import annotations

from django import template

from groups import rotation
from groups.models import Group, Membership

register = template.Library()


@register.simple_tag
def group_rotation(group: Group, membership: Membership) -> rotation.RotationView:
    return rotation.rotation_for_member(group=group, membership=membership)
