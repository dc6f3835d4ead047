from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.forms import VerifyPhoneForm
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.internal.flows.phone_verification import ChangePhoneVerificationProcess
from allauth.core import ratelimit
from allauth.core.exceptions import RateLimited
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.languages import remember_language

from .adapter import AccountAdapter
from .forms import PhoneSignupForm, ProfileForm
from .http import AuthenticatedHttpRequest, safe_next
from .models import User
from .services import (
    PhoneChanged,
    PhoneTaken,
    user_confirm_phone,
    user_signup_by_phone,
    user_update_profile,
)


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
        if user.phone and not user.phone_verified:
            # A new number neither logs in nor gets texts until it is confirmed.
            messages.info(
                request,
                _("Your mobile number is not confirmed yet. Press “Send code” to confirm it."),
            )
        return response
    return render(request, "accounts/profile_form.html", {"form": form})


# --- Confirming the profile's mobile number ----------------------------------
# allauth's phone verification process (ChangePhoneVerificationProcess) keeps
# the code in the session with its time and failed attempts, sends it through
# ``AccountAdapter.send_verification_code_sms`` and rate-limits sending
# (``ACCOUNT_RATE_LIMITS["verify_phone"]``); its form compares the code in
# constant time. allauth's own pages for it serve sign-up by number, which the
# platform does differently (``signup_by_phone``), so these two views drive
# the same process from the profile.


def _phone_taken_message() -> str:
    # The same words whichever account has it, and whichever check caught it
    # (allauth's form or the service): who that is stays unsaid.
    return str(AccountAdapter.error_messages["phone_taken"])


@login_required
@require_POST
def phone_send_code(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Text a code to the profile's unconfirmed number and ask for it on the next page.

    The code goes out even if another account holds the number confirmed:
    otherwise anyone could type numbers on their profile to learn which
    have an account. Only whoever holds the phone learns it, after the code.
    """
    user = request.user
    if not user.phone or user.phone_verified:
        return redirect("accounts:profile")
    try:
        ChangePhoneVerificationProcess.initiate(request, user.phone)
    except RateLimited:
        messages.error(
            request, _("Too many codes in a short time. Wait a minute and ask for a new one.")
        )
        if ChangePhoneVerificationProcess.resume(request) is None:
            return redirect("accounts:profile")
    return redirect("accounts:phone_confirm")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Type in the texted code; a right one confirms the number.

    A few wrong codes end the attempt, and a code is good for a few minutes
    (``ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS`` and ``_TIMEOUT``); then the
    member asks for a new one on the profile.
    """
    user = request.user
    process = ChangePhoneVerificationProcess.resume(request)
    if process is None:
        if request.method == "POST":
            messages.error(request, _("The code has expired. Ask for a new one."))
        return redirect("accounts:profile")
    if process.phone != user.phone or user.phone_verified:
        # The number was changed (or confirmed) since the code was sent.
        process.abort()
        return redirect("accounts:profile")
    form = VerifyPhoneForm(request.POST or None, code=process.code, phone=process.phone, user=user)
    if request.method == "POST":
        if form.is_valid():
            try:
                user_confirm_phone(user=user, phone=process.phone)
            except PhoneTaken:
                messages.error(request, _phone_taken_message())
            except PhoneChanged:
                pass
            else:
                messages.success(request, _("Your mobile number is confirmed."))
            process.abort()
            return redirect("accounts:profile")
        if form.has_error("code", "phone_taken"):
            process.abort()
            messages.error(request, _phone_taken_message())
            return redirect("accounts:profile")
        if not process.record_invalid_attempt():
            messages.error(request, _("Too many wrong codes. Ask for a new code."))
            return redirect("accounts:profile")
    minutes = max(1, allauth_settings.PHONE_VERIFICATION_TIMEOUT // 60)
    return render(
        request,
        "accounts/phone_confirm.html",
        {"form": form, "phone": process.phone, "minutes": minutes},
    )
