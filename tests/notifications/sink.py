"""A real SMTP server (aiosmtpd) that counts what arrives, for fault tests and the benchmark.

It can be told to answer ``451`` to a share of deliveries for a while, the
way a relay under pressure does, to close the connection after the dot
without answering (it has taken the message; the sender cannot know), or to
stop listening for a while and come back on the same port. It records the
arrival time and Message-ID of each message it took, at the dot, by
recipient.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from typing import Any

from aiosmtpd.controller import Controller


def free_port(ports: str = "") -> int:
    """A free local port: from ``ports`` ("55811-55819") when given, else any."""
    if ports:
        first, _, last = ports.partition("-")
        for port in range(int(first), int(last or first) + 1):
            with socket.socket() as s:
                # As the servers bind: a port whose old connections linger
                # in TIME_WAIT is free.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise RuntimeError(f"no free port in {ports}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Arrival:
    to: str
    subject: str
    at: float
    message_id: str = ""


@dataclass
class SinkHandler:
    fail_ratio: float = 0.0
    fail_until: float = 0.0
    arrivals: list[Arrival] = field(default_factory=list)
    refused: int = 0
    drop_ratio: float = 0.0
    drop_until: float = 0.0
    dropped: int = 0
    # Recipients whose delivery never gets an answer (a message that hangs its worker).
    hang_for: set[str] = field(default_factory=set)
    keep_subjects: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hang_for & {r.lower() for r in envelope.rcpt_tos}:
            await asyncio.sleep(3600)
        now = time.time()
        if self.fail_ratio and now < self.fail_until and random.random() < self.fail_ratio:
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Try again later"
        subject = message_id = ""
        if self.keep_subjects:
            headers = message_from_bytes(envelope.content)
            subject = str(headers.get("Subject", ""))
            message_id = str(headers.get("Message-ID", ""))
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.arrivals.append(Arrival(rcpt.lower(), subject, now, message_id))
        if self.drop_ratio and now < self.drop_until and random.random() < self.drop_ratio:
            # Taken, but the answer never reaches the sender.
            with self.lock:
                self.dropped += 1
            server.transport.abort()
        return "250 OK"


class Sink:
    def __init__(self, *, keep_subjects: bool = True) -> None:
        self.handler = SinkHandler(keep_subjects=keep_subjects)
        # A shared machine may set aside a range of ports for test servers.
        self.port = free_port(os.environ.get("TEST_SMTP_PORTS", ""))
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10
        )

    def __enter__(self) -> Sink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def drop_after_dot(self, ratio: float, seconds: float) -> None:
        self.handler.drop_ratio = ratio
        self.handler.drop_until = time.time() + seconds

    def stop_for(self, seconds: float) -> None:
        """Stop listening (connections are refused), then listen again on the same port."""
        self.controller.stop()
        time.sleep(seconds)
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10
        )
        self.controller.start()

    def message_ids(self) -> dict[str, set[str]]:
        with self.handler.lock:
            ids: dict[str, set[str]] = {}
            for a in self.handler.arrivals:
                ids.setdefault(a.to, set()).add(a.message_id)
            return ids

    def fail(self, ratio: float, seconds: float) -> None:
        self.handler.fail_ratio = ratio
        self.handler.fail_until = time.time() + seconds

    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.arrivals)

    def per_recipient(self) -> Counter[str]:
        with self.handler.lock:
            return Counter(a.to for a in self.handler.arrivals)
