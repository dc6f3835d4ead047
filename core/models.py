"""Cross-cutting records: the audit trail and process heartbeats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One security- or lifecycle-relevant event.

    ``data`` holds ids and field names only, never free text a person wrote,
    a group's theme or contact details (see docs/privacy.md).
    """

    class Event(models.TextChoices):
        """Every event the platform records, written and read by these names only.

        The values are what the rows store (``family.name``); existing rows
        keep them, so a value never changes. ``core.services.audit`` refuses
        anything else.
        """

        # Accounts: sign-in, profile, data rights.
        ACCOUNT_LOGIN = "account.login"
        ACCOUNT_LOGOUT = "account.logout"
        ACCOUNT_LOGIN_FAILED = "account.login_failed"
        ACCOUNT_PROFILE_CHANGED = "account.profile_changed"
        ACCOUNT_PHONE_CONFIRMED = "account.phone_confirmed"
        ACCOUNT_EXPORTED = "account.exported"
        ACCOUNT_DELETED = "account.deleted"

        # Second factors.
        MFA_ADDED = "mfa.added"
        MFA_REMOVED = "mfa.removed"

        # Staff roles (invitations, or the admin site with ``via_admin``).
        ROLE_GRANTED = "role.granted"
        ROLE_CHANGED = "role.changed"
        ROLE_REVOKED = "role.revoked"
        STAFF_INVITATION_CREATED = "staff_invitation.created"

        # The public directory of contact points and reports of a change.
        CONTACT_POINT_ENTRY_CHANGED = "contact_point.entry_changed"
        CHANGE_REPORT_RECEIVED = "change_report.received"
        CHANGE_REPORT_HANDLED = "change_report.handled"

        # A contact point's public information meetings.
        INFORMATION_MEETING_PUBLISHED = "information_meeting.published"
        INFORMATION_MEETING_CHANGED = "information_meeting.changed"
        INFORMATION_MEETING_CANCELLED = "information_meeting.cancelled"

        # Confidentiality pledges.
        PLEDGE_PUBLISHED = "pledge.published"
        PLEDGE_SIGNED = "pledge.signed"
        PLEDGE_GROUP_LINES_CHANGED = "pledge.group_lines_changed"

        # Groups: set-up, lifecycle transitions (``group.<transition>``), hosting and support.
        GROUP_CREATED = "group.created"
        GROUP_UPDATED = "group.updated"
        GROUP_PUBLISH = "group.publish"
        GROUP_START = "group.start"
        GROUP_BECOME_SELF_RUN = "group.become_self_run"
        GROUP_PAUSE = "group.pause"
        GROUP_RESUME = "group.resume"
        GROUP_END = "group.end"
        GROUP_OPEN = "group.open"
        GROUP_CLOSE = "group.close"
        GROUP_INITIATOR_STEPPED_BACK = "group.initiator_stepped_back"
        GROUP_STEP_BACK_NUDGED = "group.step_back_nudged"
        GROUP_CONTACT_PERSON_CHANGED = "group.contact_person_changed"
        GROUP_HOST_TURN_SWAPPED = "group.host_turn_swapped"
        GROUP_SCHEDULE_CHANGED = "group.schedule_changed"
        GROUP_SUPPORT_REQUESTED = "group.support_requested"
        GROUP_SUPPORT_ANSWERED = "group.support_answered"
        GROUP_PLACE_CHANGED = "group.place_changed"
        GROUP_INITIATOR_ADDED = "group.initiator_added"
        GROUP_INITIATOR_INVITED = "group.initiator_invited"
        GROUP_INITIATOR_HANDED_OVER = "group.initiator_handed_over"
        GROUP_START_CHECKLIST_TICKED = "group.start_checklist_ticked"
        MEMBERSHIP_HOSTING_CHANGED = "membership.hosting_changed"

        # Meetings and calendar feeds.
        MEETING_CANCELLED = "meeting.cancelled"
        MEETING_MOVED = "meeting.moved"
        MEETING_ATTENDANCE_RECORDED = "meeting.attendance_recorded"
        MEETING_ATTENDANCE_CORRECTED = "meeting.attendance_corrected"
        MEETINGS_FEED_CREATED = "meetings.feed_created"
        MEETINGS_FEED_RENEWED = "meetings.feed_renewed"
        MEETINGS_FEED_REVOKED = "meetings.feed_revoked"

        # Joining: requests, consent, seats and the waiting list.
        JOINING_MEMBERSHIP_ADDED = "joining.membership_added"
        JOINING_MEMBERSHIP_LEFT = "joining.membership_left"
        JOINING_REQUEST_CREATED = "joining.request_created"
        JOINING_REQUEST_ACCEPTED = "joining.request_accepted"
        JOINING_REQUEST_DECLINED = "joining.request_declined"
        JOINING_REQUEST_WITHDRAWN = "joining.request_withdrawn"
        JOINING_REQUEST_EXPIRED = "joining.request_expired"
        # Answers to join requests before ``decision.answered`` took over; old rows keep it.
        JOINING_CONSENT = "joining.consent"
        JOINING_WAITING_LIST_JOINED = "joining.waiting_list_joined"
        JOINING_SEAT_OFFERED = "joining.seat_offered"
        JOINING_OFFER_ACCEPTED = "joining.offer_accepted"
        JOINING_OFFER_DECLINED = "joining.offer_declined"
        JOINING_OFFER_EXPIRED = "joining.offer_expired"
        JOINING_WAITING_LIST_LEFT = "joining.waiting_list_left"
        JOINING_SEAT_ASKED = "joining.seat_asked"

        # Deciding together: proposals to the group and consent to new members.
        DECISION_PROPOSED = "decision.proposed"
        DECISION_ANSWERED = "decision.answered"
        DECISION_PASSED = "decision.passed"
        DECISION_LAPSED = "decision.lapsed"
        DECISION_WITHDRAWN = "decision.withdrawn"

        # Interest lists.
        INTEREST_REGISTERED = "interest.registered"
        INTEREST_WITHDRAWN = "interest.withdrawn"
        INTEREST_QUORUM_ALERT = "interest.quorum_alert"
        INTEREST_GROUP_CREATED = "interest.group_created"
        INTEREST_GROUP_STARTED = "interest.group_started"
        INTEREST_INVITATION_ACCEPTED = "interest.invitation_accepted"
        INTEREST_INVITATION_DECLINED = "interest.invitation_declined"
        INTEREST_EXPIRED = "interest.expired"

        # The daily retention run.
        RETENTION_PURGED = "retention.purged"

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.CharField(_("event"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.event} {self.target_type}:{self.target_id}"


# ``data`` keys that point into a group: the group, a membership, a meeting.
GROUP_KEYS = frozenset({"group", "membership", "meeting"})
GROUP_LABEL = "groups.group"
# Foreign keys through which a record belongs to a group.
GROUP_FIELDS = ("group", "membership", "meeting", "proposal")


def names_group(model: type[models.Model] | None, data: dict[str, object]) -> bool:
    """Whether an audit row about ``model`` with ``data`` says which group it is about.

    True for the group itself and for any record that belongs to one through
    its foreign keys (a membership, a meeting, a signature by a membership …),
    or when ``data`` names a group, membership or meeting. Core imports no
    app: models are compared by label.
    """
    if GROUP_KEYS & set(data):
        return True
    return model is not None and _in_group(model, depth=2)


def _in_group(model: type[models.Model], *, depth: int) -> bool:
    if model._meta.label_lower == GROUP_LABEL:
        return True
    if depth == 0:
        return False
    return any(
        field.name in GROUP_FIELDS
        and isinstance(field.related_model, type)
        and _in_group(field.related_model, depth=depth - 1)
        for field in model._meta.concrete_fields
    )


class Heartbeat(models.Model):
    """The last time a background process proved it was alive."""

    component = models.CharField(_("component"), max_length=32, unique=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.component} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"
