"""allauth's login stages, as the platform needs them (``AccountAdapter.get_login_stages``)."""

from __future__ import annotations

from typing import Any

from allauth.account.stages import EmailVerificationStage as AllauthEmailVerificationStage


class EmailVerificationStage(AllauthEmailVerificationStage):
    """Mandatory e-mail verification, except for someone without an e-mail address.

    A person who signed up with a mobile number only has proved it with a
    texted code before any login (``accounts.views.signup_by_phone``); there
    is no address to verify.
    """

    def handle(self) -> tuple[Any, bool]:
        if self.login.user is not None and not self.login.user.email and not self.login.email:
            return None, True
        return super().handle()  # type: ignore[no-any-return]
