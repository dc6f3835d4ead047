"""Signed links for notice of absence, as sent in meeting reminders.

The token carries two ids (meeting and membership) and is signed with a
salt of its own. It works without logging in, only for that member and that
meeting, and only until the meeting ends; the page it opens says nothing
about the group.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from groups.models import Membership

from .models import Meeting

SALT = "meetings.absence-link"


def absence_token(*, membership: Membership, meeting: Meeting) -> str:
    return signing.dumps({"m": meeting.pk, "ms": membership.pk}, salt=SALT, compress=True)


def absence_url(*, membership: Membership, meeting: Meeting) -> str:
    """The absolute address of the one-tap notice of absence for this member and meeting."""
    path = reverse(
        "meetings:absence_link",
        kwargs={"token": absence_token(membership=membership, meeting=meeting)},
    )
    return settings.SITE_URL + path


def absence_token_read(token: str) -> tuple[int, int] | None:
    """(meeting id, membership id) from a token, or None if it was not signed by us."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    meeting_id, membership_id = payload.get("m"), payload.get("ms")
    if not isinstance(meeting_id, int) or not isinstance(membership_id, int):
        return None
    return meeting_id, membership_id
