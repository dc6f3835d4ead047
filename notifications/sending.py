"""Claiming, rendering and sending a batch of outbox rows.

``send_batch`` is what the worker task runs. It claims the rows it was given
that are still pending and due by the database's clock
(``select_for_update(skip_locked=True)`` on PostgreSQL; on SQLite the claim
is an IMMEDIATE transaction, which serialises), then renders and sends them
one by one over one SMTP connection. A failing row never stops the batch:
transient errors are retried later with exponential backoff and jitter,
permanent ones mark the row failed for the admin. An address the provider
refuses for good is recorded here, where the refusal is seen
(``bounce_record``), and gets nothing more. A message whose fate is unknown
(the connection died after it went out, or the worker before it could mark
the row) is sent again with the same Message-ID. If the database goes
away, the SMTP connection is dropped before any further message can be
accepted and the rest of the batch is given back at once.

Rows are rendered by the renderer their kind registered
(``notifications.registry``); each kind's ``prepare`` hook first loads what
the whole batch needs.

On every path a row is marked sent after the server accepted it, in a
durable commit shared by the messages accepted within 20 ms (at most 10):
a worker killed in between leaves only those few for a second copy.
Whatever fails between the message going out and the mark is an unknown
outcome: the row is sent again with the same Message-ID, never lost. See
``_sendmail`` and docs/decisions.md (11).
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
import socket
import time
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
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import translation

from . import registry, sms
from .clock import now_sql, shifted
from .models import BouncedAddress, OutgoingMessage

logger = logging.getLogger(__name__)

Status = OutgoingMessage.Status


@dataclass
class Outcome:
    status: str  # sent, retry, unknown, failed, cancelled
    error: str = ""


# A message went out (or may have) and the server's answer never came: it
# is sent again with the same Message-ID. Shown in the counts and the admin.
UNKNOWN = "unknown"
OUTCOME_UNKNOWN = "outcome unknown"

# The database is gone (restart, crash, network): nothing more of the batch
# can be recorded, so nothing more is sent.
_DATABASE_LOST = (OperationalError, InterfaceError)


class OutcomeUnknown(Exception):
    """The message was handed over, but whether the server took it is not known."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


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


def claim(ids: list[int], now: datetime.datetime | None = None) -> list[int]:
    """Mark the given rows that are still pending and due as ``sending``; return their ids.

    "Due" and the claim's time are the database's clock (``now`` only when
    the caller fixes it), so the sweeper compares like with like.
    """
    with transaction.atomic():
        claimed = list(
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=Status.PENDING, next_attempt_at__lte=now_sql(now))
            .values_list("pk", flat=True)
        )
        if claimed:
            OutgoingMessage.objects.filter(pk__in=claimed).update(
                status=Status.SENDING,
                claimed_at=now_sql(now),
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
            smtp = getattr(self.email_connection, "connection", None)
            sock = getattr(smtp, "sock", None)
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                # Each command is one write followed by a read; never hold
                # a small write back for the peer's delayed ACK.
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.email_connection

    def sender(self) -> str:
        """The envelope and header sender, sanitised once per batch."""
        if self._sender is None:
            self._sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
        return self._sender

    def drop_email(self) -> None:
        """Close the SMTP socket at once, without QUIT.

        After an error the connection may still be inside DATA, where QUIT
        would be read as text and its reply waited for until the timeout.
        A server that loses the connection before the dot discards the
        message.
        """
        if self.email_connection is not None:
            smtp = getattr(self.email_connection, "connection", None)
            if smtp is not None:
                with contextlib.suppress(Exception):
                    smtp.close()
                self.email_connection.connection = None
            with contextlib.suppress(Exception):
                self.email_connection.close()
            self.email_connection = None

    def close(self) -> None:
        """End the batch politely (QUIT) when the connection is in a clean state."""
        if self.email_connection is not None:
            with contextlib.suppress(Exception):
                self.email_connection.close()
            self.email_connection = None


def _address(row: OutgoingMessage, batch: _Batch) -> tuple[str | None, str]:
    """Where the row goes, or (None, why not)."""
    user = row.recipient
    if row.channel == OutgoingMessage.Channel.SMS:
        if user is None or not user.phone:
            return None, "no phone number"
        if not getattr(user, "phone_verified", False):
            # A number nobody has proved with a code may be a typo: someone
            # else's phone. Only the login code itself goes to it (accounts).
            return None, "number not confirmed"
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
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "reconnect", "SMTP timeout"
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
            # builder, and telling an unknown outcome from a refusal.
            _sendmail(smtp, batch.sender(), to, data)
            return Outcome(Status.SENT)
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


_DOT = b".\r\n"
_LEADING_DOT = re.compile(rb"(?m)^\.")


def _sendmail(smtp: smtplib.SMTP, sender: str, to: str, data: bytes) -> None:
    """Send one message over the open connection; what ``SMTP.sendmail`` does, in our order.

    An SMTP server takes responsibility for a message when it has read the
    line with the single dot that ends DATA. The body and the dot go out in
    one write. Anything failing from that write on (the write itself, the
    reply, a connection closed after the dot) leaves the server's
    acceptance unknown: ``OutcomeUnknown``, and the row is sent again with
    the same Message-ID. A refusal before or at the dot is an ordinary
    error.
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
    try:
        smtp.send(body + _DOT)
        code, reply = smtp.getreply()
    except OSError as exc:  # smtplib's errors are OSErrors too
        raise OutcomeUnknown(_classify(exc)[1]) from exc
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _mark_sent(ids: list[int]) -> None:
    """Mark rows of ours sent, in one statement committed on its own."""
    OutgoingMessage.objects.filter(pk__in=ids, status=Status.SENDING).update(
        status=Status.SENT, sent_at=now_sql(), last_error=""
    )


# Marks are written for several accepted messages at once: one durable
# commit (a WAL flush) per this many messages, or per this long. Each mark
# still waiting when a worker dies is a second copy (same Message-ID), so
# the wait is short: half a second let a killed worker leave about 170.
MARK_EVERY = 10
MARK_SECONDS = 0.02


class _Marks:
    """Rows the server took, waiting to be marked sent together.

    A worker that dies before the flush leaves them in flight; the sweeper
    sends them again with the same Message-ID. So the wait is short.
    """

    def __init__(self) -> None:
        self.pending: list[int] = []
        self._since = 0.0

    def add(self, pk: int) -> None:
        if not self.pending:
            self._since = time.monotonic()
        self.pending.append(pk)
        if len(self.pending) >= MARK_EVERY:
            self.flush()
        else:
            self.flush_if_due()

    def flush_if_due(self) -> None:
        """Before a message that might hang its worker, write marks that have waited enough."""
        if self.pending and time.monotonic() - self._since >= MARK_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            ids = list(self.pending)
            # If the database is gone, keep trying for a while: the server
            # took these, so they must not be given back as unsent.
            _retrying(lambda: _mark_sent(ids))
            self.pending.clear()


def _retrying(write: Any, *, seconds: float = 10.0) -> Any:
    """Run a database write that must not be lost, reconnecting for a few seconds."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return write()
        except _DATABASE_LOST:
            if time.monotonic() > deadline or connection.in_atomic_block:
                raise
            connection.close()
            time.sleep(0.5)
            # A new session: ask again for durable commits.
            with contextlib.suppress(DatabaseError):
                _durable_commits()


def _record(row: OutgoingMessage, outcome: Outcome, now: datetime.datetime | None) -> None:
    if outcome.status == Status.SENT:
        # The hot path: one statement right after the acceptance, committed
        # durably. If the database is gone, keep trying for a while; the
        # row must not be given back as unsent, since the server took it.
        _retrying(lambda: _mark_sent([row.pk]))
        return
    fields: dict[str, Any] = {"status": outcome.status, "last_error": outcome.error[:200]}
    if outcome.status in ("retry", UNKNOWN):
        if outcome.status == UNKNOWN:
            fields["unknown_outcomes"] = F("unknown_outcomes") + 1
        if row.attempts >= settings.SELVHJELP_OUTBOX_MAX_ATTEMPTS:
            fields["status"] = Status.FAILED
        else:
            fields["status"] = Status.PENDING
            fields["next_attempt_at"] = shifted(backoff_seconds(row.attempts), now)
            fields["claimed_at"] = None
    # Only our own claim: a row the sweeper took back is not ours to mark.
    _retrying(
        lambda: OutgoingMessage.objects.filter(pk=row.pk, status=Status.SENDING).update(**fields)
    )


def _give_back(ids: list[int]) -> int:
    """Put the rows of a batch that could not go on back in line, now.

    None of them reached the server's dot: the connection was dropped
    before. Their claim is not counted as an attempt.
    """

    def write() -> int:
        return OutgoingMessage.objects.filter(pk__in=ids, status=Status.SENDING).update(
            status=Status.PENDING,
            next_attempt_at=now_sql(),
            claimed_at=None,
            leased_until=None,
            attempts=F("attempts") - 1,
        )

    try:
        return int(_retrying(write, seconds=30))
    except _DATABASE_LOST:
        logger.error("outbox: a batch could not be given back; the sweeper will take it")
        return 0


def send_batch(ids: list[int], *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Claim, render and send the given rows; return how many ended in each status.

    Idempotent: rows already sent, failed, cancelled or claimed by another
    worker are skipped, so running the same batch twice sends nothing twice.
    ``now`` fixes the clock (tests); otherwise the database's is used.
    """
    claimed = claim(ids, now)
    counts: dict[str, int] = {}
    if not claimed:
        return counts
    done: set[int] = set()
    # Rows the server took but not yet marked: never given back.
    marks = _Marks()
    batch: _Batch | None = None
    saved_language = translation.get_language()
    durable = False
    try:
        durable = _durable_commits()
        rows = list(
            OutgoingMessage.objects.filter(pk__in=claimed)
            .select_related("recipient")
            .order_by("pk")
        )
        # One language at a time: the translation is switched once per language
        # in the batch, not once per message, and renderers reuse what they
        # rendered for the same meeting and language.
        rows.sort(key=lambda r: (_language(r), r.pk))
        batch = _Batch(rows)
        active: str | None = None
        for row in rows:
            language = _language(row)
            if language != active:
                translation.activate(language)
                active = language
            marks.flush_if_due()
            outcome = _attempt(row, batch)
            done.add(row.pk)
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            if outcome.status == Status.SENT:
                marks.add(row.pk)
            else:
                _record(row, outcome, now)
        marks.flush()
    except _DATABASE_LOST:
        if batch is not None:
            batch.drop_email()
        with contextlib.suppress(*_DATABASE_LOST):
            marks.flush()
        # Rows taken by the server whose marks cannot be written stay in
        # flight for the sweeper: a second copy, same Message-ID, never lost.
        back = [pk for pk in claimed if pk not in done]
        counts["given back"] = _give_back(back)
        logger.warning("outbox: database lost; %d messages given back", counts["given back"])
    finally:
        if saved_language:
            translation.activate(saved_language)
        else:
            translation.deactivate()
        if batch is not None:
            batch.close()
        if durable:
            _restore_commit()
    return counts


def _attempt(row: OutgoingMessage, batch: _Batch) -> Outcome:
    """Send one row and say how it went; only a lost database escapes."""
    try:
        return _deliver(row, batch)
    except _DATABASE_LOST:
        raise
    except OutcomeUnknown as exc:
        batch.drop_email()
        logger.warning(
            "outbox: message %s (%s): %s (%s)", row.pk, row.kind, OUTCOME_UNKNOWN, exc.code
        )
        return Outcome(UNKNOWN, f"{OUTCOME_UNKNOWN}: {exc.code}")
    except Exception as exc:
        kind, code = _classify(exc)
        if kind == "reconnect":
            batch.drop_email()
        logger.warning("outbox: message %s (%s) not sent: %s", row.pk, row.kind, code)
        if kind == "bounce":
            to, _why = _address(row, batch)
            if to:
                bounce_record(
                    address=to, channel=row.channel, user_id=row.recipient_id, reason=code
                )
                batch.bounced.add(BouncedAddress.normalise(to))
            return Outcome(Status.FAILED, f"bounced: {code}")
        if kind == "permanent":
            return Outcome(Status.FAILED, code)
        return Outcome("retry", code)


def _durable_commits() -> bool:
    """On PostgreSQL, make every commit of the batch wait for the WAL flush.

    A sent mark that a crash of PostgreSQL could forget means a second copy
    of a message; so the batch's session commits synchronously, whatever
    the server's default says. One statement per batch.
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO ON")
    return True


def _restore_commit() -> None:
    with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")
