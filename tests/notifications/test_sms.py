"""The SMS backends, and the HTTP provider adapter against a local fake provider."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from notifications import sms


class FakeProvider(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    answer: ClassVar[int] = 202

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeProvider.received.append(
            {"auth": self.headers["Authorization"], "json": json.loads(body)}
        )
        self.send_response(FakeProvider.answer)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def provider(settings) -> Iterator[type[FakeProvider]]:
    server = HTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SELVHJELP_SMS_URL = f"http://127.0.0.1:{server.server_port}/v1/messages"
    settings.SELVHJELP_SMS_TOKEN = "hemmelig-token"
    settings.SELVHJELP_SMS_SENDER = "Selvhjelp"
    FakeProvider.received = []
    FakeProvider.answer = 202
    yield FakeProvider
    server.shutdown()
    server.server_close()


def test_http_backend_posts_json_with_the_token(provider):
    sms.HttpBackend().send("+4798765432", "Påminnelse: gruppemøte i morgen kl. 18")
    assert provider.received == [
        {
            "auth": "Bearer hemmelig-token",
            "json": {
                "to": "+4798765432",
                "from": "Selvhjelp",
                "text": "Påminnelse: gruppemøte i morgen kl. 18",
            },
        }
    ]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (503, sms.TransientSendError),
        (429, sms.TransientSendError),
        (400, sms.PermanentSendError),
        (401, sms.PermanentSendError),
    ],
)
def test_http_backend_sorts_errors(provider, status, error):
    provider.answer = status
    with pytest.raises(error) as raised:
        sms.HttpBackend().send("+4798765432", "x")
    assert raised.value.code == f"HTTP {status}"


def test_http_backend_unreachable_is_transient(settings):
    from .sink import free_port

    settings.SELVHJELP_SMS_URL = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(sms.TransientSendError):
        sms.HttpBackend().send("+4798765432", "x")


def test_http_backend_needs_an_http_url(settings):
    settings.SELVHJELP_SMS_URL = "file:///etc/passwd"
    with pytest.raises(RuntimeError):
        sms.HttpBackend()


def test_file_backend_appends_json_lines(settings, tmp_path):
    settings.SELVHJELP_SMS_FILE = str(tmp_path / "sms.jsonl")
    sms.FileBackend().send("+4798765432", "a")
    sms.FileBackend().send("+4741234567", "b")
    lines = [json.loads(x) for x in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(x["to"], x["text"]) for x in lines] == [("+4798765432", "a"), ("+4741234567", "b")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("98765432", "+4798765432"),
        ("412 34 567", "+4741234567"),
        ("+47 412 34 567", "+4741234567"),
        ("0046701234567", "+46701234567"),
        ("22334455", None),  # a Norwegian landline
        ("12", None),
        ("", None),
        ("abc", None),
    ],
)
def test_phone_numbers_are_normalised_or_refused(raw, expected):
    assert sms.normalise_phone(raw) == expected


def test_a_refused_number_is_marked_bounced_and_retries_are_scheduled(
    world, provider, settings, sms_outbox
):
    from meetings.models import ReminderPreference
    from meetings.reminders import reminder_scan
    from notifications import sending
    from notifications.models import BouncedAddress, OutgoingMessage

    settings.SELVHJELP_SMS_BACKEND = "notifications.sms.HttpBackend"
    texter, busy, _other = world.members
    for user, phone in ((texter, "98765432"), (busy, "41234567")):
        user.phone, user.phone_verified = phone, True
        user.save()
        ReminderPreference.objects.create(user=user, channel="sms")
    reminder_scan()
    provider.answer = 400
    ids = list(OutgoingMessage.objects.filter(channel="sms").values_list("pk", flat=True))
    sending.send_batch(ids[:1])
    provider.answer = 503
    sending.send_batch(ids[1:])
    rows = {m.recipient_id: m for m in OutgoingMessage.objects.filter(channel="sms")}
    assert rows[texter.pk].status == "failed"
    assert BouncedAddress.objects.filter(address="+4798765432").exists()
    assert rows[busy.pk].status == "pending"
    assert rows[busy.pk].last_error == "HTTP 503"
