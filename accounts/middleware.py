"""The account forms answer no sooner than a fixed floor.

A sign-up for a new address creates an account and sends a code; for a known
address allauth only sends a notice. Without a password to hash, nothing
else evens the two out, and the difference of a few milliseconds tells,
over enough tries, whether an address has an account. Each POST to the
forms below is held until ``SELVHJELP_ACCOUNT_FORM_FLOOR_MS`` has passed
since it arrived, so a known and an unknown address take the same time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FLOORED = frozenset(
    {
        "account_signup",
        "account_signup_phone",
        "account_login",
        "account_reset_password",
        "account_request_login_code",
        # Confirming the profile's number: a number held by another account
        # is refused in the same time as a wrong code.
        "phone_confirm",
    }
)


class AccountFormFloorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if request.method == "POST" and match is not None and match.url_name in FLOORED:
            floor = settings.SELVHJELP_ACCOUNT_FORM_FLOOR_MS / 1000
            remaining = floor - (time.monotonic() - start)
            if remaining > 0:
                time.sleep(remaining)
        return response
