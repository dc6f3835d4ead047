"""Request-wide policies: security headers and MFA for staff."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import has_mfa, is_staff_user

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
    """Staff pages require a TOTP authenticator.

    A staff user without one is sent to set it up first; the pages that manage
    MFA and log out stay reachable so they can.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            path.startswith(STAFF_PREFIXES)
            and request.user.is_authenticated
            and is_staff_user(request.user)
            and not has_mfa(request.user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={path}")
        return self.get_response(request)
