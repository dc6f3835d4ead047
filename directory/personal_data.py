"""Reports of a change (see ``core.personal_data``).

A report belongs to no account. It may hold an address to answer, which the
person chose to give, and whatever they wrote; both go with the report after
``SELVHJELP_RETAIN_CHANGE_REPORT_DAYS``, handled or not.
"""

from __future__ import annotations

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q

from core.personal_data import (
    ExportSection,
    Person,
    PersonalData,
    RetentionRule,
    before,
    iso,
    register,
)

from .models import ChangeReport


def _address_q(addresses: set[str]) -> Q:
    condition = Q(pk__in=[])
    for address in addresses:
        condition |= Q(reply_email__iexact=address)
    return condition


def _reports_sent(user: Any) -> list[dict[str, Any]]:
    """Reports that gave one of the person's addresses for an answer."""
    emails = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    addresses = {address.lower() for address in [*emails, user.email] if address}
    reports = ChangeReport.objects.filter(_address_q(addresses)).select_related("contact_point")
    return [
        {
            "contact_point": r.contact_point.name,
            "message": r.message,
            "reply_email": r.reply_email,
            "sent_at": iso(r.created_at),
            "handled_at": iso(r.handled_at),
        }
        for r in reports.order_by("pk")
    ]


def delete_old_change_reports(now: datetime.datetime) -> int:
    cutoff = before(now, "SELVHJELP_RETAIN_CHANGE_REPORT_DAYS")
    return ChangeReport.objects.filter(created_at__lt=cutoff).delete()[0]


class DirectoryData(PersonalData):
    app_label = "directory"
    models = ("directory.ChangeReport",)
    links = {
        "directory.ChangeReport.handled_by": "not exported: staff work on someone else's report",
    }
    sections = (ExportSection("change_reports_sent", _reports_sent),)
    retention = (
        RetentionRule(
            "change_reports", delete_old_change_reports, "SELVHJELP_RETAIN_CHANGE_REPORT_DAYS"
        ),
    )

    def erase(self, *, person: Person) -> None:
        # Reports are not the account's rows: the address they gave is cleared.
        if person.emails:
            ChangeReport.objects.filter(_address_q(set(person.emails))).update(reply_email="")


register(DirectoryData())
