from __future__ import annotations

from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.languages import remember_language

from .forms import PhoneSignupForm, ProfileForm
from .http import AuthenticatedHttpRequest, safe_next
from .models import User
from .services import user_signup_by_phone, user_update_profile


@require_http_methods(["GET", "POST"])
def signup_by_phone(request: HttpRequest) -> HttpResponse:
    """Sign up (or log in) with a mobile number: a texted code, no password.

    The same page follows whether the number is new, already has an account
    or belongs to staff (who get no code), as with e-mail.
    """
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = safe_next(request)
    form = PhoneSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if not ratelimit.consume(request, action="signup") or not ratelimit.consume(
            request, action="request_login_code", key=phone
        ):
            form.add_error(
                None, _("Too many attempts in a short time. Wait a little and try again.")
            )
        else:
            language = translation.get_language() or User.Language.NB
            user = user_signup_by_phone(
                phone=phone,
                display_name=form.cleaned_data["display_name"],
                language=language if language in User.Language.values else User.Language.NB,
            )
            LoginCodeVerificationProcess.initiate(request=request, user=user, phone=phone)
            url = reverse("account_confirm_login_code")
            return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
    return render(request, "account/signup_by_phone.html", {"form": form, "next": next_url})


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
