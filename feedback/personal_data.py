"""What anonymous feedback holds about a person (see ``core.personal_data``).

An ``Answer`` is not personal data: it names no person, no membership and no
day, and nothing stored leads from it back to one, so it is neither in a
download nor removed when an account is deleted, by design. The marker
``Answered`` is personal data: it tells that this membership was asked and
answered (or said no thanks) on an occasion. It is in the download under the
membership and goes with the membership.
"""

from __future__ import annotations

from typing import Any

from core.personal_data import ExportSection, PersonalData, register

from .models import Answered


def _answered(user: Any) -> dict[int, list[str]]:
    answered: dict[int, list[str]] = {}
    for membership_id, occasion in Answered.objects.filter(membership__user=user).values_list(
        "membership_id", "occasion"
    ):
        answered.setdefault(membership_id, []).append(occasion)
    return answered


class FeedbackData(PersonalData):
    app_label = "feedback"
    models = ("feedback.Answered",)
    links = {"feedback.Answered.membership": "memberships[].feedback_answered"}
    sections = (ExportSection("memberships[].feedback_answered", _answered),)


register(FeedbackData())
