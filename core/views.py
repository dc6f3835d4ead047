from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .languages import remember_language
from .models import Heartbeat

HEARTBEAT_STALE_AFTER = timedelta(minutes=5)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """What a self-help group is and how its members talk together, for seekers."""
    return render(request, "core/about.html")


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and compose health checks.

    200 while the database answers. The worker's heartbeat is reported but
    does not fail the check: the web process must stay up when workers lag.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    beat = Heartbeat.objects.filter(component="worker").first()
    worker = "unknown"
    if beat is not None:
        worker = "ok" if timezone.now() - beat.last_seen < HEARTBEAT_STALE_AFTER else "stale"
    return JsonResponse({"status": "ok", "database": "ok", "worker": worker})


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Replaces the admin's password form: logins go through allauth (and MFA)."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    if not request.user.is_authenticated:
        return redirect_to_login(next_url or reverse("admin:index"), reverse("account_login"))
    if request.user.is_staff:
        return redirect(next_url or reverse("admin:index"))
    raise Http404


@require_GET
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language with a plain link.

    Django's own view needs a POST, and so a CSRF cookie on every page for
    every visitor; a link sets the language cookie only for someone who
    asks for it.
    """
    language = request.GET.get("language", "")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        remember_language(response, language)
    return response
