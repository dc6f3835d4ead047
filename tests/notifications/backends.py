"""An e-mail backend that fails on purpose, for sending tests."""

from __future__ import annotations

import smtplib
from typing import Any, ClassVar

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Raises the exception registered for a recipient address, else delivers (locmem)."""

    failures: ClassVar[dict[str, BaseException]] = {}
    opened: ClassVar[int] = 0

    def open(self) -> bool:
        FlakyBackend.opened += 1
        return True

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            for address in message.to:
                error = self.failures.get(address)
                if error is not None:
                    raise error
        return super().send_messages(messages)


def refused(address: str, code: int) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({address: (code, b"refused")})
