"""Demo information meetings for ``seed_demo``: a few coming ones, one digital. Idempotent."""

from __future__ import annotations

import datetime

from meetings.schedule import aware, local
from organisations.models import ContactPoint, InformationMeeting

# contact point slug, days from today, digital, place, description
MEETINGS = [
    (
        "friskliv-drammen",
        9,
        False,
        "Biblioteket, møterom 2",
        "Hva er en selvhjelpsgruppe, og hvordan kommer en i gang? Vi forteller og svarer "
        "på spørsmål. Du trenger ikke si noe om deg selv.",
    ),
    (
        "frivilligsentral-tromso",
        16,
        False,
        "Frivilligsentralen, kafeen",
        "Et åpent møte om selvhjelpsgrupper i Tromsø. Kaffe står klar.",
    ),
    (
        "friskliv-bodo",
        12,
        True,
        "",
        "Et digitalt informasjonsmøte om selvhjelpsgrupper. Ring oss, så sender vi lenken.",
    ),
]


def seed_demo_information_meetings(*, now: datetime.datetime) -> None:
    """One coming meeting for each listed contact point that has none coming yet."""
    today = local(now).date()
    for slug, days, digital, place, description in MEETINGS:
        contact_point = ContactPoint.objects.filter(slug=slug).first()
        if contact_point is None:
            continue
        if contact_point.information_meetings.filter(ends_at__gt=now).exists():
            continue
        starts = aware(
            datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(18))
        )
        InformationMeeting.objects.create(
            contact_point=contact_point,
            kommune=contact_point.kommune,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1, minutes=30),
            is_digital=digital,
            place=place,
            description=description,
        )
