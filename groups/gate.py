"""The one gate into a group's inside.

Every view that shows what only a group's active participants may see (all of
``/inne/<token>/…`` and the neutral link in meeting messages) is
wrapped in ``@group_inside``. The gate resolves the group from the URL, finds
the viewer's active membership (404 for anyone else, and for a draft), sends a
participant who has not signed the current confidentiality pledge to the
signing page, and calls the view with ``group`` and ``membership``::

    @login_required
    @require_GET
    @group_inside
    def meeting_guide(request, group, membership): ...

``@group_inside(unsigned=True)`` lets participants in before they have signed:
only the signing page itself and leaving the group use it.

The gate marks the view (``gate_of``), and the permission matrix walks the URL
resolver and fails for any inside URL whose view is not marked, so a view that
forgets the gate cannot be merged.

The pledge rule belongs to ``pledges``, which sits above this app: it hands the
gate its check at start-up (``pledges/apps.py``). Without one the gate lets
nobody in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from .models import Group, Membership
from .selectors import membership_get_active

View = Callable[..., HttpResponse]
#: Maps a view's URL arguments to a lookup on ``Group``, taking out what names the group.
GroupFromUrl = Callable[[dict[str, Any]], dict[str, Any]]
#: Whether an active membership has signed the current pledge; one query at most.
PledgeCheck = Callable[[Membership], bool]

GATE_ATTRIBUTE = "group_gate"

_pledge_signed: PledgeCheck | None = None


@dataclass(frozen=True)
class Gate:
    """What the gate checks before a view runs; found on the view as ``group_gate``."""

    unsigned: bool  # participants who have not signed the pledge get in too


def group_from_url(url_kwargs: dict[str, Any]) -> dict[str, Any]:
    """How an inside URL names its group: the one place that reads it from the URL."""
    return {"inside_token": url_kwargs.pop("token")}


def pledge_check_register(check: PledgeCheck) -> None:
    """Called by the pledges app at start-up with its rule."""
    global _pledge_signed
    _pledge_signed = check


def has_signed(membership: Membership) -> bool:
    if _pledge_signed is None:
        raise ImproperlyConfigured("No pledge check is registered: is 'pledges' installed?")
    return _pledge_signed(membership)


def group_get_inside(*, lookup: dict[str, Any], user: Any) -> tuple[Group, Membership]:
    """A group seen from inside. 404 for anyone who is not an active participant.

    Contact-point, district and national staff do not see inside a group
    either: a group belongs to its members. A draft has no inside yet.
    """
    group = get_object_or_404(
        Group.objects.select_related("theme", "kommune", "contact_point"), **lookup
    )
    membership = membership_get_active(user=user, group=group)
    if membership is None or group.state == Group.State.DRAFT:
        raise Http404
    return group, membership


def group_inside(
    view: View | None = None,
    *,
    unsigned: bool = False,
    group_from: GroupFromUrl = group_from_url,
) -> Any:
    """Wrap an inside view: ``@group_inside`` or ``@group_inside(unsigned=True)``.

    ``group_from`` is for a view whose URL names something inside the group
    rather than the group (the message link names a meeting).
    """

    def decorate(inner: View) -> View:
        @functools.wraps(inner)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            kwargs = dict(kwargs)
            group, membership = group_get_inside(lookup=group_from(kwargs), user=request.user)
            if not unsigned and not has_signed(membership):
                return redirect(group.inside_url("pledges:sign"))
            return inner(request, *args, group=group, membership=membership, **kwargs)

        setattr(wrapped, GATE_ATTRIBUTE, Gate(unsigned=unsigned))
        return wrapped

    return decorate(view) if view is not None else decorate


def gate_of(view: Any) -> Gate | None:
    """The gate a URL's view passes through, or None (decorators above keep the mark)."""
    return getattr(view, GATE_ATTRIBUTE, None)
