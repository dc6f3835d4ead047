"""Request-wide policies: security headers, no caching of private answers, MFA for staff."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .badinput import find_bad_input
from .permissions import has_mfa, is_staff_user, session_used_mfa

# Browser features the platform never needs. Geolocation is granted per view
# (the group finder) by setting ``response["Permissions-Policy"]`` there.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)


class SecurityHeadersMiddleware:
    """Adds the headers neither Django's SecurityMiddleware nor django-csp sets.

    The Content-Security-Policy itself comes from ``csp.middleware.CSPMiddleware``
    (settings: ``CONTENT_SECURITY_POLICY``), with a fresh nonce per request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Query parameters that carry a position (the finder's and the API's).
POSITION_PARAMETERS = ("lat", "lon")


def carries_private_data(request: HttpRequest) -> bool:
    """Whether the answer to ``request`` may hold a position or personal data.

    A logged-in person's pages (their name in the menu, their groups), a
    session in the middle of a sign-in (the address a code went to), anything
    POSTed (the finder's and the API's position travel in the body) and a
    position in the query string.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    if session is not None and not session.is_empty():
        return True
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    return any(name in request.GET for name in POSITION_PARAMETERS)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer that carries a position or personal data.

    No browser cache, shared proxy or back-button history keeps such a page.
    A view that set ``no-store`` itself keeps its header; public pages for
    anonymous visitors stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and carries_private_data(request):
            add_never_cache_headers(response)
        return response


class ApiJsonErrorsMiddleware:
    """Every error under ``/api/`` answers JSON: ``{"error": code, "detail": message}``.

    Django ninja answers its own errors in JSON; this covers what happens
    around it: a method the path does not allow (405, ``Allow`` kept), an
    unknown path (404), a CSRF or permission failure (403).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path_info.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            reason = response.reason_phrase
            replacement = JsonResponse(
                {"error": reason.lower().replace(" ", "_"), "detail": f"{reason}."},
                status=response.status_code,
            )
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


class QueryStringLimitMiddleware:
    """Query strings longer than gunicorn's request line limit answer 414.

    Behind gunicorn such a request never reaches Django (``limit_request_line``,
    4094 bytes); this gives the development server and tests the same limit, so
    no view has to cope with a 100 kB search term (SQLite, for one, refuses
    LIKE patterns over 50 kB with an error).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = getattr(settings, "SELVHJELP_MAX_QUERY_STRING", 4094)
        if len(request.META.get("QUERY_STRING", "")) > limit:
            return render(request, "400.html", status=414)
        return self.get_response(request)


class BadInputMiddleware:
    """Control characters and integers beyond 64 bits answer 400 before any view.

    Anywhere in the path, the query string, a form or a JSON body (see
    ``core.badinput``). Placed after ``LocaleMiddleware`` so the message is in
    the visitor's language: an error page on pages, ``{"error", "detail"}``
    under ``/api/``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = find_bad_input(request)
        if problem is None:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"error": "invalid_request", "detail": problem}, status=400)
        return render(request, "400.html", {"message": problem}, status=400)


class MethodNotAllowedPageMiddleware:
    """A page asked with a method it does not take answers with a page, not a blank.

    ``require_POST`` and its kin answer 405 with an empty body: someone who
    typed, bookmarked or reloaded the address of a form's action would see
    nothing at all. Pages get ``405.html`` in the visitor's language, with the
    ``Allow`` header kept; ``/api/`` answers JSON (``ApiJsonErrorsMiddleware``).
    Last in ``MIDDLEWARE``, so that the page is rendered with the user, the
    CSRF token and the messages as any view would.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and not request.path_info.startswith("/api/")
        ):
            page = render(request, "405.html", status=405)
            if "Allow" in response:
                page["Allow"] = response["Allow"]
            return page
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
