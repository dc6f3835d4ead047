"""Audit event names come from one enum, ``AuditEvent.Event``; stored values never change."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from core.models import AuditEvent
from core.services import audit
from organisations.views_audit import event_families

REPO = Path(settings.BASE_DIR)

# What rows in the database hold. Existing rows must stay readable, so a
# value here may be added to, never renamed or removed.
STORED_VALUES = {
    "account.deleted", "account.exported", "account.login", "account.login_failed",
    "account.logout", "account.phone_confirmed", "account.profile_changed",
    "change_report.handled", "change_report.received", "contact_point.entry_changed",
    "decision.answered", "decision.lapsed", "decision.passed", "decision.proposed",
    "decision.withdrawn",
    "group.become_self_run", "group.close", "group.contact_person_changed", "group.created",
    "group.end", "group.host_turn_swapped", "group.initiator_stepped_back", "group.open",
    "group.pause", "group.publish", "group.resume", "group.schedule_changed", "group.start",
    "group.step_back_nudged", "group.support_answered", "group.support_requested",
    "group.updated", "group.place_changed", "group.initiator_added", "group.initiator_invited",
    "group.initiator_handed_over", "group.start_checklist_ticked",
    "information_meeting.cancelled", "information_meeting.changed",
    "information_meeting.published",
    "interest.expired", "interest.group_created", "interest.group_started",
    "interest.invitation_accepted", "interest.invitation_declined", "interest.quorum_alert",
    "interest.registered", "interest.withdrawn",
    "joining.consent", "joining.membership_added", "joining.membership_left",
    "joining.offer_accepted", "joining.offer_declined", "joining.offer_expired",
    "joining.request_accepted", "joining.request_created", "joining.request_declined",
    "joining.request_expired", "joining.request_withdrawn", "joining.seat_offered",
    "joining.waiting_list_joined", "joining.waiting_list_left", "joining.seat_asked",
    "meeting.attendance_corrected", "meeting.attendance_recorded", "meeting.cancelled",
    "meeting.moved", "meetings.feed_created", "meetings.feed_renewed", "meetings.feed_revoked",
    "membership.hosting_changed",
    "mfa.added", "mfa.removed",
    "pledge.group_lines_changed", "pledge.published", "pledge.signed",
    "retention.purged",
    "role.changed", "role.granted", "role.revoked",
    "staff_invitation.created",
}  # fmt: skip


def test_stored_values_are_kept():
    assert set(AuditEvent.Event.values) == STORED_VALUES
    for event in AuditEvent.Event:
        # The member's name is its value, so readers find it by either.
        assert event.name == event.value.upper().replace(".", "_")


@pytest.mark.django_db
def test_audit_refuses_a_name_outside_the_enum():
    with pytest.raises(ValueError, match="not an audit event"):
        audit(actor=None, event="group.started_up")  # type: ignore[arg-type]
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_stored_row_reads_back_as_a_member():
    audit(actor=None, event=AuditEvent.Event.GROUP_START)
    row = AuditEvent.objects.get()
    assert row.event == "group.start"
    assert AuditEvent.Event(row.event) is AuditEvent.Event.GROUP_START


def test_the_audit_page_offers_every_family():
    assert event_families() == sorted({value.split(".")[0] for value in STORED_VALUES})


def _python_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        REPO / name
        for name in listed
        if not name.startswith("tests/") and "/migrations/" not in name
    ]


def _writes_an_event(call: ast.Call) -> bool:
    """``audit(...)``, ``AuditEvent(...)`` or ``AuditEvent.objects.create(...)``."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in ("audit", "AuditEvent")
    if isinstance(func, ast.Attribute):
        if func.attr == "audit":
            return True
        target = func.value
        return (
            func.attr in ("create", "bulk_create", "get_or_create")
            and isinstance(target, ast.Attribute)
            and target.attr == "objects"
            and isinstance(target.value, ast.Name)
            and target.value.id == "AuditEvent"
        )
    return False


def _problems(value: ast.expr) -> list[str]:
    """Why the expression given as ``event`` is not (certainly) a member of the enum."""
    if isinstance(value, ast.IfExp):
        return _problems(value.body) + _problems(value.orelse)
    if isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp):
        return [f"a string instead of AuditEvent.Event: {ast.unparse(value)}"]
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Attribute | ast.Name):
        owner = value.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else owner.id
        if owner_name == "Event" and value.attr not in AuditEvent.Event.__members__:
            return [f"no such event: {ast.unparse(value)}"]
    return []


def test_every_event_written_in_code_is_a_member_of_the_enum():
    """No writer spells an event name as a string, f-string or concatenation.

    Expressions that are not literals (``transition.event``, a mapping's
    value) are checked at run time by ``audit``, and by mypy, which types
    ``event`` as ``AuditEvent.Event``.
    """
    problems = []
    writers = 0
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not _writes_an_event(node):
                continue
            for keyword in node.keywords:
                if keyword.arg == "event":
                    writers += 1
                    where = f"{path.relative_to(REPO)}:{node.lineno}"
                    problems += [f"{where}: {p}" for p in _problems(keyword.value)]
    assert writers > 50  # the walk found the writers
    assert problems == []
