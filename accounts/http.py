"""Request types for views behind ``login_required``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
