"""Sending text messages through a pluggable backend.

``SELVHJELP_SMS_BACKEND`` names a class with ``send(to, text)``. The console
and file backends need nothing outside the process; ``HttpBackend`` posts JSON
to a provider's HTTP API with a bearer token. Backends raise
``TransientSendError`` (try again later) or ``PermanentSendError`` (give up).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SendError(Exception):
    """Sending failed; ``code`` is a short code safe to store (never message text)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class TransientSendError(SendError):
    pass


class PermanentSendError(SendError):
    """The provider refused the message for good (e.g. an unknown number)."""


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_phone(raw: str) -> str | None:
    """E.164 form of a mobile number, or None when it cannot be one.

    Eight digits without a country code are taken as Norwegian (+47).
    """
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"\d{8}", digits):
        digits = "+47" + digits
    if not _PHONE.match(digits):
        return None
    if digits.startswith("+47") and (len(digits) != 11 or digits[3] not in "49"):
        return None  # Norwegian mobile numbers have eight digits and start with 4 or 9
    return digits


class ConsoleBackend:
    """Writes each message to standard output (development)."""

    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


class FileBackend:
    """Appends each message as one JSON line to ``SELVHJELP_SMS_FILE``."""

    _lock = threading.Lock()

    def send(self, to: str, text: str) -> None:
        path = Path(settings.SELVHJELP_SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "text": text, "at": timezone.now().isoformat()})
        with self._lock, path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class LocmemBackend:
    """Keeps messages in ``LocmemBackend.outbox`` (tests)."""

    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, to: str, text: str) -> None:
        self.outbox.append({"to": to, "text": text})


class HttpBackend:
    """A provider's JSON API: ``POST {"to", "from", "text"}`` with a bearer token.

    2xx is success; 429 and 5xx, timeouts and refused connections are
    transient; any other 4xx is permanent (a number the provider rejects).
    """

    def __init__(self) -> None:
        self.url: str = settings.SELVHJELP_SMS_URL
        self.token: str = settings.SELVHJELP_SMS_TOKEN
        self.sender: str = settings.SELVHJELP_SMS_SENDER
        self.timeout: float = settings.SELVHJELP_SMS_TIMEOUT
        if not self.url.startswith(("https://", "http://")):
            raise RuntimeError("SELVHJELP_SMS_URL must be an http(s) URL for the HTTP SMS backend")

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "from": self.sender, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            code = f"HTTP {exc.code}"
            if exc.code == 429 or exc.code >= 500:
                raise TransientSendError(code) from None
            raise PermanentSendError(code) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TransientSendError(type(exc).__name__) from None


def get_backend() -> Any:
    return import_string(settings.SELVHJELP_SMS_BACKEND)()
