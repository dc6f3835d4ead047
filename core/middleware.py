"""Request-wide policies: security headers and MFA for staff."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import has_mfa, is_staff_user, session_used_mfa

# Browser features the platform never needs. Geolocation is granted per view
# (the group finder) by setting ``response["Permissions-Policy"]`` there.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


STAFF_PREFIXES = ("/personale/", "/admin/")


class StaffMFAMiddleware:
    """Staff pages need a TOTP authenticator *and* a session that used it.

    A staff user without TOTP is sent to set it up; one who has TOTP but whose
    session was not confirmed with it (for example a password-only login) is
    asked for a code first. The pages that manage MFA and log out are outside
    the staff prefixes, so they stay reachable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            path.startswith(STAFF_PREFIXES)
            and request.user.is_authenticated
            and is_staff_user(request.user)
        ):
            target = f"?{urlencode({'next': request.get_full_path()})}"
            if not has_mfa(request.user):
                return redirect(reverse("mfa_activate_totp") + target)
            if not session_used_mfa(request):
                return redirect(reverse("mfa_reauthenticate") + target)
        return self.get_response(request)
