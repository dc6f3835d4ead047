"""Print the current TOTP code of a demo user: ``python manage.py demo_totp <email>``.

For logging in as the demo staff created by ``seed_demo`` without an
authenticator app. Only works for addresses under the demo domain and only
with DEBUG on, so it cannot hand out codes for real accounts.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.data import DEMO_DOMAIN


class Command(BaseCommand):
    help = f"Print the current TOTP code of a demo user (addresses @{DEMO_DOMAIN} only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help=f"a demo user's address, ending in @{DEMO_DOMAIN}")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("DEBUG is off: demo TOTP codes are only given out in development.")
        email = options["email"].strip().lower()
        if not email.endswith(f"@{DEMO_DOMAIN}"):
            raise CommandError(f"Not a demo address: only addresses @{DEMO_DOMAIN} are allowed.")
        authenticator = Authenticator.objects.filter(
            user__email__iexact=email, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{email} has no TOTP authenticator (run seed_demo first).")

        secret = decrypt(authenticator.data["secret"])
        now = int(time.time())
        period = app_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(secret, now // period))
        self.stdout.write(code)
        if options["verbosity"] > 1:
            self.stderr.write(f"valid for about {period - now % period} more seconds")
