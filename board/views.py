"""The board inside a group: ``/inne/<token>/tavle/``.

Every view passes the group's gate (``groups.gate.group_inside``): active
participants who have signed the confidentiality pledge only; everyone else,
staff included, gets 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.ratelimit import consume
from core.services import DomainError
from groups.gate import group_inside
from groups.models import Group, Membership

from . import selectors, services
from .forms import PostForm


def _form(data: object = None) -> PostForm:
    return PostForm(data, retention_days=settings.SELVHJELP_RETAIN_BOARD_POST_DAYS)


@login_required
@require_http_methods(["GET", "POST"])
@group_inside
def board(request: AuthenticatedHttpRequest, group: Group, membership: Membership) -> HttpResponse:
    """Read the board and post to it. Opening it counts what is there as read."""
    status, retry_after = 200, 0
    reader = selectors.reader_for(membership=membership)
    seen_before = reader.seen_at if reader is not None else None
    open_for_posts = services.accepts_posts(group)
    if request.method == "POST":
        form = _form(request.POST)
        if form.is_valid():
            wait = consume(request, "board_post") if open_for_posts else None
            if wait is not None:
                form.add_error(
                    None,
                    _(
                        "You have posted many messages in a short time. "
                        "Wait a little and try again."
                    ),
                )
                status, retry_after = 429, wait
            else:
                try:
                    services.post_create(membership=membership, body=form.cleaned_data["body"])
                except DomainError as error:
                    # An ended group's refusal concerns the board, not what was written.
                    ended = error.code == "ended"
                    form.add_error(None if ended else "body", error.message)
                    status = 409 if ended else status
                else:
                    messages.success(request, _("Your message is on the board."))
                    return redirect(group.inside_url("board:board"))
    else:
        form = _form()
        reader = services.board_visit(membership=membership)
    posts = list(selectors.posts_for(group=group))
    new_ids = {
        post.pk
        for post in posts
        if post.membership_id != membership.pk
        and seen_before is not None
        and post.created_at > seen_before
    }
    response = render(
        request,
        "board/board.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "posts": posts,
            "new_ids": new_ids,
            "notices_on": reader.notices if reader is not None else True,
            "open_for_posts": open_for_posts,
            "retention_days": settings.SELVHJELP_RETAIN_BOARD_POST_DAYS,
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_http_methods(["GET", "POST"])
@group_inside
def post_delete(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    """Delete one's own message: GET asks, POST deletes. Anyone else's answers 404."""
    post = selectors.post_get_own(membership=membership, pk=pk)
    if request.method == "POST":
        try:
            services.post_delete(membership=membership, post_id=post.pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your message is deleted."))
        return redirect(group.inside_url("board:board"))
    return render(request, "board/post_delete.html", {"group": group, "post": post})


@login_required
@require_POST
@group_inside
def notices(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """Turn notices of new messages on this group's board on (``notices=on``) or off."""
    choice = request.POST.get("notices")
    if choice not in ("on", "off"):
        messages.error(request, _("Choose whether you want notices or not."))
        return redirect(group.inside_url("board:board"))
    services.notices_set(membership=membership, on=choice == "on")
    messages.success(
        request,
        _("You will get a notice when there is something new on the board.")
        if choice == "on"
        else _("You will not get notices from this board. You can turn them on again here."),
    )
    return redirect(group.inside_url("board:board"))
