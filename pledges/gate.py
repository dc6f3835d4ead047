"""The pledge gate for group-internal views.

Every view under ``/grupper/<slug>/inne/`` reads its group through
``groups.selectors.group_get_internal``, which raises ``PledgeRequired`` for a
participant who has not signed the current pledge. ``pledge_gate`` turns that
into a redirect to the signing page, so that no internal page renders.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .selectors import PledgeRequired

V = TypeVar("V", bound=Callable[..., HttpResponse])


def pledge_gate(view: V) -> V:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PledgeRequired as required:
            return redirect("pledges:sign", slug=required.group.slug)

    return wrapped  # type: ignore[return-value]
