"""Inviting staff to a contact point, and accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from core.services import DomainError

from . import invitations
from .models import ContactPoint, StaffInvitation


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    kind = forms.ChoiceField(label=gettext_lazy("Role"))

    def __init__(self, *args: object, kinds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, StaffInvitation.Kind(k).label) for k in kinds]


@login_required
@require_http_methods(["GET", "POST"])
def staff_invitations(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Invite people to a contact point; 404 unless the user may invite there."""
    contact_point = get_object_or_404(
        ContactPoint.objects.select_related("kommune__fylke"), slug=slug
    )
    kinds = invitations.invitable_kinds(user=request.user, contact_point=contact_point)
    if not kinds:
        raise Http404
    form = InvitationForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.staff_invitation_create(
                inviter=request.user,
                email=form.cleaned_data["email"],
                kind=form.cleaned_data["kind"],
                contact_point=contact_point,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("organisations:staff_invitations", slug=contact_point.slug)
    return render(
        request,
        "organisations/invitation_list.html",
        {
            "contact_point": contact_point,
            "form": form,
            "invitations": invitations.pending_invitations(
                contact_point=contact_point, kinds=kinds
            ).select_related("invited_by"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_invitation_accept(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Not under /personale/: a new person without a second factor must reach it."""
    invitation = invitations.invitation_get_pending(token=token)
    if invitation is None:
        raise Http404
    error = None
    if not invitations.user_has_verified_email(user=request.user, email=invitation.email):
        error = _(
            "This invitation was sent to another e-mail address than the one you are "
            "logged in with. Log in (or sign up) with the address the invitation was "
            "sent to, and open the link again."
        )
    elif request.method == "POST":
        try:
            invitations.staff_invitation_accept(invitation_id=invitation.pk, user=request.user)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Welcome! To protect the staff pages, set up a second login step first."),
            )
            return redirect("staff:staff_home")
    return render(
        request,
        "organisations/invitation_accept.html",
        {"invitation": invitation, "error": error},
    )
