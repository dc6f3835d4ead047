from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .permissions import is_staff_user


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "show_staff_link": bool(user is not None and is_staff_user(user)),
    }
