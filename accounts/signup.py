"""allauth's sign-up form, taking as long for a known address as for a new one.

With ``ACCOUNT_PREVENT_ENUMERATION`` allauth answers a known address exactly
as a new one, but skips the password hashing a new account costs: the
answer came some 300 ms sooner, which told whether the address has an
account. Hashing the typed password on that path too closes the gap, as
allauth's login already does for an unknown address. Where sign-up asks
for no password (a code confirms the address), neither path hashes.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest


class ConstantTimeSignupForm(AllauthSignupForm):
    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists and "password1" in self.fields:
            # The same work as ``set_password`` on a new account, thrown away.
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
