"""The outbox message about a report of a change, to the contact point's staff.

Registered with ``notifications.registry`` (discovered at start-up). Neither
the subject nor the body names the group, its theme or what was written: the
staff read the report on their staff page.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import email, param

from .models import ChangeReport


@registry.register("change_report")
def render_change_report(message: OutgoingMessage) -> Rendered | None:
    report = (
        ChangeReport.objects.select_related("contact_point")
        .filter(pk=param(message, "report"), handled_at__isnull=True)
        .first()
    )
    if report is None:
        return None
    url = settings.SITE_URL + reverse(
        "directory_staff:reports", kwargs={"slug": report.contact_point.slug}
    )
    return email(
        subject=_("Selvhjelp: someone has reported a change"),
        template="change_report",
        context={"url": url, "full_url": url},
    )
