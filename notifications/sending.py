"""Claiming, rendering and sending a batch of outbox rows.

``send_batch`` is what the worker task runs. It claims the rows it was given
that are still pending and due (``select_for_update(skip_locked=True)`` on
PostgreSQL; on SQLite the claim is an IMMEDIATE transaction, which
serialises), then renders and sends them one by one over one SMTP connection,
marking each row sent right after the server accepted it. A failing row
never stops the batch: transient errors are retried later with exponential
backoff and jitter, permanent ones mark the row failed for the admin. An
address the provider refuses for good is recorded here, where the refusal
is seen (``bounce_record``), and gets nothing more.

Rows are rendered by the renderer their kind registered
(``notifications.registry``); each kind's ``prepare`` hook first loads what
the whole batch needs.

On the usual SMTP path the row is marked sent after the body and before
the dot that ends DATA, the point where the server takes the message; see
``_sendmail_marked`` and docs/decisions.md (11) for what is left of the
window between sending and recording.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import logging
import random
import re
import smtplib
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from . import registry, sms
from .models import BouncedAddress, OutgoingMessage

logger = logging.getLogger(__name__)

Status = OutgoingMessage.Status


@dataclass
class Outcome:
    status: str  # sent, retry, failed, cancelled
    error: str = ""


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with jitter: base * 2^(n-1), capped, then 50-100 % of it."""
    base = settings.SELVHJELP_OUTBOX_RETRY_BASE_SECONDS
    cap = settings.SELVHJELP_OUTBOX_RETRY_CAP_SECONDS
    delay = min(cap, base * (2 ** max(attempts - 1, 0)))
    return delay * random.uniform(0.5, 1.0)


def bounce_record(*, address: str, channel: str, user_id: int | None, reason: str) -> None:
    """Remember that ``address`` was refused for good; nothing more goes to it."""
    BouncedAddress.objects.get_or_create(
        address=BouncedAddress.normalise(address),
        defaults={"channel": channel, "user_id": user_id, "reason": reason[:60]},
    )


def claim(ids: list[int], now: datetime.datetime) -> list[int]:
    """Mark the given rows that are still pending and due as ``sending``; return their ids."""
    with transaction.atomic():
        claimed = list(
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=Status.PENDING, next_attempt_at__lte=now)
            .values_list("pk", flat=True)
        )
        if claimed:
            OutgoingMessage.objects.filter(pk__in=claimed).update(
                status=Status.SENDING,
                claimed_at=now,
                leased_until=None,
                attempts=F("attempts") + 1,
            )
    return claimed


def message_id(key: str) -> str:
    """A Message-ID derived from the row's key: the same message keeps the same id."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "selvhjelp"
    return f"<{digest}@{domain}>"


# --- Lean MIME for the SMTP backend -------------------------------------------------
#
# Django's ``EmailMultiAlternatives`` builds each message through the generic
# ``email`` package (header folding, address parsing, a generator pass): about
# 2.5 ms of CPU per message, more than rendering and marking together. Outbox
# messages always have the same simple shape (one plain ASCII recipient, a
# short subject, a UTF-8 text part and an HTML alternative with short lines),
# so for those the bytes are written directly, the way Django would write them
# (8bit UTF-8 parts, the subject encoded once per batch). Anything outside
# that shape (a recipient with a display name or non-ASCII, a line over the
# RFC 5322 limit, another e-mail backend) goes through Django as before.

_SIMPLE_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")
_LINE_LIMIT = 998


@functools.lru_cache(maxsize=256)
def _subject_header(subject: str) -> str:
    if subject.isascii() and len(subject) <= 70:
        return subject
    return Header(subject, "utf-8").encode(linesep="\r\n")


def _crlf_lines(text: str) -> bytes | None:
    """The text as UTF-8 with CRLF line ends, or None if a line is too long for 8bit."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    data = "\r\n".join(lines).encode()
    if len(data) > _LINE_LIMIT and any(len(line.encode()) > _LINE_LIMIT for line in lines):
        return None
    return data


def _part(content_type: str, body: bytes) -> bytes:
    return (
        b"Content-Type: " + content_type.encode() + b'; charset="utf-8"\r\n'
        b"MIME-Version: 1.0\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body
    )


def lean_message(
    *, sender: str, to: str, subject: str, text: str, html: str, headers: dict[str, str]
) -> bytes | None:
    """The message as bytes ready for ``sendmail``, or None when it needs Django's builder."""
    if not to.isascii() or not _SIMPLE_ADDRESS.fullmatch(to):
        return None
    if "\n" in subject or "\r" in subject:
        return None  # Django refuses it (BadHeaderError), and so should we
    text_bytes = _crlf_lines(text)
    html_bytes = _crlf_lines(html) if html else b""
    if text_bytes is None or html_bytes is None:
        return None
    head = [
        f"Subject: {_subject_header(subject)}",
        f"From: {sender}",
        f"To: {to}",
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
    ]
    for name, value in headers.items():
        if "\n" in value or "\r" in value or not value.isascii():
            return None
        head.append(f"{name}: {value}")
    if not html:
        top = 'Content-Type: text/plain; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        top += "Content-Transfer-Encoding: 8bit\r\n" + "\r\n".join(head) + "\r\n\r\n"
        return top.encode() + text_bytes
    boundary = "===============" + uuid.uuid4().hex + "=="
    marker = boundary.encode()
    if marker in text_bytes or marker in html_bytes:
        return None
    top = f'Content-Type: multipart/alternative; boundary="{boundary}"\r\nMIME-Version: 1.0\r\n'
    top += "\r\n".join(head) + "\r\n\r\n"
    return b"".join(
        [
            top.encode(),
            b"--" + marker + b"\r\n",
            _part("text/plain", text_bytes),
            b"\r\n--" + marker + b"\r\n",
            _part("text/html", html_bytes),
            b"\r\n--" + marker + b"--\r\n",
        ]
    )


class _Batch:
    """State shared by the rows of one batch: connections and lookups."""

    def __init__(self, rows: list[OutgoingMessage]) -> None:
        self.email_connection: Any = None
        self.sms_backend: Any = None
        self._sender: str | None = None
        user_ids = {r.recipient_id for r in rows if r.recipient_id}
        self.verified = {
            (user_id, email.lower())
            for user_id, email in EmailAddress.objects.filter(
                user_id__in=user_ids, verified=True
            ).values_list("user_id", "email")
        }
        addresses = {r.address.lower() for r in rows if r.address}
        addresses |= {
            r.recipient.email.lower()
            for r in rows
            if r.recipient_id and r.recipient and r.recipient.email
        }
        phones = {
            sms.normalise_phone(r.recipient.phone)
            for r in rows
            if r.recipient_id and r.recipient and r.recipient.phone
        }
        addresses |= {p for p in phones if p}
        registry.prepare(rows)
        self.bounced = set(
            BouncedAddress.objects.filter(address__in=addresses).values_list("address", flat=True)
        )

    def email(self) -> Any:
        if self.email_connection is None:
            self.email_connection = get_connection(fail_silently=False)
            self.email_connection.open()
        return self.email_connection

    def sender(self) -> str:
        """The envelope and header sender, sanitised once per batch."""
        if self._sender is None:
            self._sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
        return self._sender

    def drop_email(self) -> None:
        if self.email_connection is not None:
            # The connection is gone either way.
            with contextlib.suppress(Exception):
                self.email_connection.close()
            self.email_connection = None

    def close(self) -> None:
        self.drop_email()


def _address(row: OutgoingMessage, batch: _Batch) -> tuple[str | None, str]:
    """Where the row goes, or (None, why not)."""
    user = row.recipient
    if row.channel == OutgoingMessage.Channel.SMS:
        if user is None or not user.phone:
            return None, "no phone number"
        phone = sms.normalise_phone(user.phone)
        if phone is None:
            return None, "invalid phone number"
        if phone in batch.bounced:
            return None, "number bounced"
        return phone, ""
    if user is None:
        address = row.address
        if address.lower() in batch.bounced:
            return None, "address bounced"
        return address, ""
    if not user.email or (user.pk, user.email.lower()) not in batch.verified:
        return None, "no verified e-mail address"
    if user.email.lower() in batch.bounced:
        return None, "address bounced"
    return user.email, ""


def _classify(exc: BaseException) -> tuple[str, str]:
    """(transient | permanent | bounce | reconnect, short code) for a send error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next(iter(exc.recipients.values()))[0] if exc.recipients else 550
        return ("bounce" if 500 <= code < 600 else "transient"), f"SMTP {code}"
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        if 500 <= code < 600:
            return "permanent", f"SMTP {code}"
        return ("reconnect" if code == 421 else "transient"), f"SMTP {code}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "reconnect", "SMTP disconnected"
    if isinstance(exc, sms.PermanentSendError):
        return (
            "bounce" if exc.code in {"HTTP 400", "HTTP 404", "HTTP 422"} else "permanent"
        ), exc.code
    if isinstance(exc, sms.TransientSendError):
        return "transient", exc.code
    if isinstance(exc, OSError):
        return "reconnect", type(exc).__name__
    if isinstance(exc, DatabaseError):
        return "transient", type(exc).__name__
    return "permanent", type(exc).__name__


def _language(row: OutgoingMessage) -> str:
    user = row.recipient
    return (user.language if user is not None else "") or settings.LANGUAGE_CODE


def _deliver(row: OutgoingMessage, batch: _Batch) -> Outcome:
    """Render and send one row; the recipient's language is already active."""
    user = row.recipient
    if user is not None and not user.is_active:
        return Outcome(Status.CANCELLED, "recipient inactive")
    to, why_not = _address(row, batch)
    if to is None:
        return Outcome(Status.FAILED, why_not)
    rendered = registry.renderer_for(row.kind)(row)
    if rendered is None:
        return Outcome(Status.CANCELLED, "no longer needed")
    if row.channel == OutgoingMessage.Channel.SMS:
        if batch.sms_backend is None:
            batch.sms_backend = sms.get_backend()
        batch.sms_backend.send(to, rendered.sms or f"{rendered.subject}\n{rendered.url}")
        return Outcome(Status.SENT)
    headers = {"Message-ID": message_id(row.key), "Auto-Submitted": "auto-generated"}
    backend = batch.email()
    if type(backend) is SmtpBackend:
        data = lean_message(
            sender=batch.sender(),
            to=to,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            headers=headers,
        )
        smtp = backend.connection
        if data is not None and smtp is not None:
            # What SmtpBackend.send_messages does for one message, minus the
            # builder, and with the row marked sent before the final dot.
            _sendmail_marked(smtp, batch.sender(), to, data, row)
            return Outcome(MARKED)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[to],
        headers=headers,
        connection=backend,
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    message.send()
    return Outcome(Status.SENT)


# The row was marked sent while the message was handed over (see below).
MARKED = "marked"
_DOT = b".\r\n"
_LEADING_DOT = re.compile(rb"(?m)^\.")


def _sendmail_marked(
    smtp: smtplib.SMTP, sender: str, to: str, data: bytes, row: OutgoingMessage
) -> None:
    """Send one message and mark its row sent between the body and the final dot.

    An SMTP server takes responsibility for a message only when it has read
    the line with the single dot that ends DATA. So the row is marked sent
    (and committed) after the body is on the wire and before that line: a
    worker killed before the mark leaves a message the server throws away,
    and the row is sent again by the sweeper; a worker killed after the mark
    has, in all but a few microseconds, already written the dot. If the
    server then refuses the message, the mark is taken back and the error
    goes the usual way (retry or failed).
    """
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.rcpt(to)
    if code not in (250, 251):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
    code, reply = smtp.docmd("data")
    if code != 354:
        smtp.rset()
        raise smtplib.SMTPDataError(code, reply)
    body = _LEADING_DOT.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body)
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SENT, [Status.SENT, timezone.now(), row.pk, Status.SENDING])
    smtp.send(_DOT)
    code, reply = smtp.getreply()
    if code != 250:
        with connection.cursor() as cursor:
            cursor.execute(_UNMARK, [Status.SENDING, row.pk, Status.SENT])
        raise smtplib.SMTPDataError(code, reply)


_UNMARK = (
    "UPDATE notifications_outgoingmessage SET status = %s, sent_at = NULL"
    " WHERE id = %s AND status = %s"
)

_MARK_SENT = (
    "UPDATE notifications_outgoingmessage SET status = %s, sent_at = %s, last_error = ''"
    " WHERE id = %s AND status = %s"
)


def _record(row: OutgoingMessage, outcome: Outcome, now: datetime.datetime) -> None:
    if outcome.status == MARKED:
        return
    if outcome.status == Status.SENT:
        # The hot path, one statement per message right after the server
        # accepted it: plain SQL keeps the gap to the acceptance short.
        with connection.cursor() as cursor:
            cursor.execute(_MARK_SENT, [Status.SENT, timezone.now(), row.pk, Status.SENDING])
        return
    fields: dict[str, Any] = {"status": outcome.status, "last_error": outcome.error[:200]}
    if outcome.status == "retry":
        if row.attempts >= settings.SELVHJELP_OUTBOX_MAX_ATTEMPTS:
            fields["status"] = Status.FAILED
        else:
            fields["status"] = Status.PENDING
            fields["next_attempt_at"] = now + datetime.timedelta(
                seconds=backoff_seconds(row.attempts)
            )
            fields["claimed_at"] = None
    # Only our own claim: a row the sweeper took back is not ours to mark.
    OutgoingMessage.objects.filter(pk=row.pk, status=Status.SENDING).update(**fields)


def send_batch(ids: list[int], *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Claim, render and send the given rows; return how many ended in each status.

    Idempotent: rows already sent, failed, cancelled or claimed by another
    worker are skipped, so running the same batch twice sends nothing twice.
    """
    now = now or timezone.now()
    claimed = claim(ids, now)
    counts: dict[str, int] = {}
    if not claimed:
        return counts
    rows = list(
        OutgoingMessage.objects.filter(pk__in=claimed).select_related("recipient").order_by("pk")
    )
    # One language at a time: the translation is switched once per language
    # in the batch, not once per message, and renderers reuse what they
    # rendered for the same meeting and language.
    rows.sort(key=lambda r: (_language(r), r.pk))
    batch = _Batch(rows)
    relaxed = _relax_commit()
    active: str | None = None
    saved_language = translation.get_language()
    try:
        for row in rows:
            language = _language(row)
            if language != active:
                translation.activate(language)
                active = language
            try:
                outcome = _deliver(row, batch)
            except Exception as exc:
                kind, code = _classify(exc)
                if kind == "reconnect":
                    batch.drop_email()
                if kind == "bounce":
                    to, _why = _address(row, batch)
                    if to:
                        bounce_record(
                            address=to, channel=row.channel, user_id=row.recipient_id, reason=code
                        )
                        batch.bounced.add(BouncedAddress.normalise(to))
                    outcome = Outcome(Status.FAILED, f"bounced: {code}")
                elif kind == "permanent":
                    outcome = Outcome(Status.FAILED, code)
                else:
                    outcome = Outcome("retry", code)
                logger.warning("outbox: message %s (%s) not sent: %s", row.pk, row.kind, code)
            _record(row, outcome, now)
            status = Status.SENT if outcome.status == MARKED else outcome.status
            counts[status] = counts.get(status, 0) + 1
    finally:
        if saved_language:
            translation.activate(saved_language)
        else:
            translation.deactivate()
        batch.close()
        if relaxed:
            _restore_commit()
    return counts


def _relax_commit() -> bool:
    """On PostgreSQL, don't wait for the WAL flush when marking rows sent.

    Each row is marked right after the SMTP server accepted it; waiting for
    the disk there widens the window in which a killed worker has delivered
    a message without recording it. The cost: if PostgreSQL itself crashes
    within a fraction of a second, the last marks are lost and those
    messages are sent again (docs/decisions.md).
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    return True


def _restore_commit() -> None:
    with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")
