"""The member's data rights: download everything, or delete the account."""

from __future__ import annotations

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from core.models import AuditEvent
from core.services import DomainError, audit

from .deletion import account_delete as delete_account
from .deletion import account_delete_check
from .export import user_data_export
from .forms import AccountDeleteForm


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def data_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET explains what the file holds; POST (after a fresh login) downloads it."""
    if request.method != "POST":
        return render(request, "privacy/data_export.html")
    with transaction.atomic():
        data = user_data_export(user=request.user)
        audit(actor=request.user, event=AuditEvent.Event.ACCOUNT_EXPORTED, target=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"selvhjelp-mine-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm, then delete the account at once and log out."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_id = request.user.pk
        try:
            account_delete_check(user=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            # Log out first, while the account still exists to log out of;
            # one transaction, so a failure keeps both the account and the login.
            with transaction.atomic():
                logout(request)
                delete_account(user_id=user_id)
            messages.success(request, _("Your account and everything tied to it has been deleted."))
            return redirect("home")
    return render(request, "privacy/account_delete.html", {"form": form})
