from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.schedule import aware, local
from organisations.models import DESCRIPTION_MAX_LENGTH, ContactPoint, InformationMeeting
from organisations.services import InformationMeetingDetails
from places.models import Kommune

from .models import MESSAGE_MAX_LENGTH


class ChangeReportForm(forms.Form):
    """«Meld fra om endring»: what is no longer right, and an optional address."""

    message = forms.CharField(
        label=_("What has changed?"),
        help_text=_(
            "For example a new phone number, a group that has stopped, or new opening hours. "
            "Please do not write about your health."
        ),
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reply_email = forms.EmailField(
        label=_("Your e-mail, if you want an answer"),
        help_text=_("Leave it empty to report without giving any address."),
        required=False,
    )


class ContactPointEntryForm(forms.ModelForm):
    """What a contact point's staff say about it in the directory."""

    class Meta:
        model = ContactPoint
        fields = ["public_phone", "public_email", "website", "opening_hours"]
        help_texts = {
            "opening_hours": _("In your own words, for example “Monday to Thursday 9–15”."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("public_phone", "opening_hours"):
            if name in data and isinstance(data[name], str):
                data[name] = " ".join(data[name].split())
        return data


# A meeting further ahead than this is most likely a typing mistake in the year.
PUBLISH_AHEAD = datetime.timedelta(days=730)


class InformationMeetingForm(forms.Form):
    """An information meeting's day, times and place, in Oslo time."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    is_digital = forms.BooleanField(
        label=_("Digital meeting (no place)"),
        required=False,
        help_text=_("Say in the description how people join."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_(
            "Address and room, for example “Storgata 1, 2nd floor, the meeting room”. "
            "Not needed for a digital meeting."
        ),
    )
    kommune = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Kommune.objects.select_related("fylke").order_by("name", "number"),
        help_text=_("The finder shows the meeting to people who search near this municipality."),
    )
    description = forms.CharField(
        label=_("About the meeting"),
        max_length=DESCRIPTION_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "A few plain words: who it is for and what you will tell about. "
            "Everything here is public."
        ),
    )

    def __init__(
        self,
        *args: Any,
        contact_point: ContactPoint,
        meeting: InformationMeeting | None = None,
        **kwargs: Any,
    ) -> None:
        if meeting is not None:
            starts, ends = local(meeting.starts_at), local(meeting.ends_at)
            initial = {
                "date": starts.date(),
                "start": starts.time(),
                "end": ends.time(),
                "is_digital": meeting.is_digital,
                "place": meeting.place,
                "kommune": meeting.kommune_id,
                "description": meeting.description,
            }
        else:
            initial = {"kommune": contact_point.kommune_id}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start"), data.get("end")
        today = timezone.localdate()
        if day is not None and day < today:
            self.add_error("date", _("Choose a time that has not passed yet."))
        elif day is not None and day > today + PUBLISH_AHEAD:
            self.add_error("date", _("Choose a date within the next two years."))
        elif day is not None and start is not None and end is not None:
            if end <= start:
                self.add_error("end", _("The meeting must end after it starts."))
            elif aware(datetime.datetime.combine(day, start)) <= timezone.now():
                self.add_error("date", _("Choose a time that has not passed yet."))
        if not data.get("is_digital") and not (data.get("place") or "").strip():
            self.add_error("place", _("Write where the meeting is, or mark it as digital."))
        return data

    def details(self) -> InformationMeetingDetails:
        data = self.cleaned_data
        return InformationMeetingDetails(
            starts_at=aware(datetime.datetime.combine(data["date"], data["start"])),
            ends_at=aware(datetime.datetime.combine(data["date"], data["end"])),
            kommune=data["kommune"],
            description=data["description"],
            is_digital=bool(data.get("is_digital")),
            place=data.get("place") or "",
        )
