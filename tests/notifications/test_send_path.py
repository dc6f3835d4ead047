"""The lean send path: shared reminder parts and hand-written MIME match the slow path."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation

from meetings import messages as meeting_messages
from meetings.links import absence_url
from meetings.reminders import reminder_scan
from notifications import registry, render
from notifications.models import OutgoingMessage
from notifications.sending import lean_message

HEADERS = {"Message-ID": "<abc@selvhjelp.example>", "Auto-Submitted": "auto-generated"}


def _parts(raw: bytes) -> tuple[dict[str, str], list[tuple[str, str]]]:
    parsed = message_from_bytes(raw, policy=policy.default)
    headers = {
        h: str(parsed[h]).strip()
        for h in ("Subject", "From", "To", "Message-ID", "Auto-Submitted", "MIME-Version")
    }
    bodies = [
        (p.get_content_type(), p.get_content()) for p in parsed.walk() if not p.is_multipart()
    ]
    return headers, bodies


@pytest.mark.parametrize(
    ("subject", "text", "html"),
    [
        (
            "Påminnelse: gruppemøte i morgen kl. 18:00",
            "Hei Åse <x>,\n\nLinje to æøå\n.punktum i starten\n",
            "<p>Hei &lt;x&gt; æøå</p>\n<p>ok</p>",
        ),
        ("Reminder: group meeting today at 18:00", "Hello A,\nbye\n", ""),
        ("Selvhjelp: " + "en lang emnelinje med æøå som må brettes " * 3, "x\r\ny", "<p>y</p>"),
    ],
)
def test_lean_message_reads_like_djangos(subject, text, html):
    lean = lean_message(
        sender="ikke-svar@selvhjelp.example",
        to="a.b+c@example.org",
        subject=subject,
        text=text,
        html=html,
        headers=HEADERS,
    )
    assert lean is not None
    slow = EmailMultiAlternatives(
        subject, text, "ikke-svar@selvhjelp.example", ["a.b+c@example.org"], headers=HEADERS
    )
    if html:
        slow.attach_alternative(html, "text/html")
    assert _parts(lean) == _parts(slow.message().as_bytes(linesep="\r\n"))
    lines = lean.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 998


@pytest.mark.parametrize(
    ("to", "text", "headers"),
    [
        ("Navn <a@example.org>", "t", HEADERS),
        ("a@exämple.org", "t", HEADERS),
        ("a@example.org", "x" * 1000, HEADERS),
        ("a@example.org", "t", {"X-Injected": "a\r\nBcc: b@example.org"}),
        ("a@example.org", "t", {"Subject": "s\nBcc: b@example.org"}),
    ],
)
def test_lean_message_leaves_unusual_messages_to_django(to, text, headers):
    headers = dict(headers)
    subject = headers.pop("Subject", "s")
    assert (
        lean_message(
            sender="s@example.org", to=to, subject=subject, text=text, html="", headers=headers
        )
        is None
    )


def _fresh(message: OutgoingMessage) -> tuple[str, str, str, str]:
    """The reminder rendered the slow way, straight from the templates."""
    meeting = message._meeting  # type: ignore[attr-defined]
    membership = message._membership  # type: ignore[attr-defined]
    when = render.when(meeting.starts_at)
    url = meeting_messages.message_link(meeting.pk)
    absence = absence_url(membership=membership, meeting=meeting)
    rendered = render.email(
        subject="",
        template="meeting_reminder",
        html="emails/meeting_reminder.html",
        context={"when": when, "full_url": url, "absence_url": absence, "user": message.recipient},
    )
    return rendered.text, rendered.html, url, absence


def test_shared_reminder_parts_give_each_member_their_own_name_and_link(world):
    odd, _plain, english = world.members
    odd.display_name = "Åse <b>&amp; @@selvhjelp-absence@@"
    odd.save()
    english.language = "en"
    english.save()
    reminder_scan()
    messages = list(
        OutgoingMessage.objects.filter(channel=OutgoingMessage.Channel.EMAIL).select_related(
            "recipient"
        )
    )
    registry.prepare(messages)
    seen = set()
    for message in messages:
        # The absence link is signed with the time; both ways sign at the same second.
        with (
            translation.override(message.recipient.language),
            time_machine.travel(timezone.now(), tick=False),
        ):
            rendered = meeting_messages.render_meeting_reminder(message)
            text, html, url, absence = _fresh(message)
        assert rendered is not None
        assert (rendered.text, rendered.html) == (text, html)
        assert rendered.url == url
        assert rendered.sms.endswith(absence)
        seen.add(absence)
    # One rendering per meeting and language, each member's own link.
    assert len(messages[0]._parts) == 2  # type: ignore[attr-defined]
    assert len(seen) == 3
    assert "Åse &lt;b&gt;&amp;amp; @@selvhjelp-absence@@" in next(
        meeting_messages.render_meeting_reminder(m).html  # type: ignore[union-attr]
        for m in messages
        if m.recipient_id == odd.pk
    )
