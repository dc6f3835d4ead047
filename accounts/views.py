from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.languages import remember_language

from .forms import ProfileForm
from .http import AuthenticatedHttpRequest
from .services import user_update_profile


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"roles": request.user.staff_roles.all()})


@login_required
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            phone=form.cleaned_data["phone"],
            language=form.cleaned_data["language"],
        )
        response = redirect("accounts:profile")
        remember_language(response, user.language)
        messages.success(request, _("Your profile has been saved."))
        return response
    return render(request, "accounts/profile_form.html", {"form": form})
