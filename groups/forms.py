from __future__ import annotations

import math
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from places.selectors import Place, resolve_place

from .models import Group, Theme
from .search import (
    DEFAULT_RADIUS_KM,
    RADIUS_CHOICES_KM,
    SearchQuery,
    Status,
)

MAX_PAGE = 1000
# Norway with a margin: a point outside is not a place we can search around.
LATITUDE_RANGE = (57.0, 72.0)
LONGITUDE_RANGE = (3.0, 33.0)


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class GroupSearchForm(forms.Form):
    """The finder's query parameters, shared by the search page and the API.

    Coordinates from "near me" are used for this query only: they are not
    stored, logged or put in links.
    """

    q = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=80,
        help_text=_("Municipality, town or postal code"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "list": "place-suggestions", "spellcheck": "false"}
        ),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        choices=[(r, _("%(km)s km") % {"km": r}) for r in RADIUS_CHOICES_KM],
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS_KM,  # type: ignore[arg-type]
        initial=DEFAULT_RADIUS_KM,
    )
    theme = ThemeChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weekday = forms.TypedMultipleChoiceField(
        label=_("Day"),
        choices=Group.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time = forms.MultipleChoiceField(
        label=_("Time of day"),
        choices=[
            ("morning", _("Morning (before 12)")),
            ("afternoon", _("Afternoon (12–17)")),
            ("evening", _("Evening (from 17)")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    format = forms.MultipleChoiceField(
        label=_("Format"),
        choices=Group.Format.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=[
            (Status.OPEN, _("Open for new members")),
            (Status.STARTING_SOON, _("Starting soon")),
            (Status.WAITING_LIST, _("Full, with waiting list")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.place: Place | None = None

    def clean_q(self) -> str:
        text = " ".join(str(self.cleaned_data.get("q") or "").split())
        if any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
            raise forms.ValidationError(_("The place contains characters we cannot read."))
        return text

    def _clean_coordinate(self, name: str, bounds: tuple[float, float]) -> float | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
            raise forms.ValidationError(
                _("Your position seems to be outside Norway. Type a place instead.")
            )
        return float(value)

    def clean_lat(self) -> float | None:
        return self._clean_coordinate("lat", LATITUDE_RANGE)

    def clean_lon(self) -> float | None:
        return self._clean_coordinate("lon", LONGITUDE_RANGE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and not self.errors:
            raise forms.ValidationError(_("Your position was incomplete. Please try again."))
        if lat is None and data.get("q"):
            self.place = resolve_place(data["q"])
            if self.place is None:
                self.add_error(
                    "q",
                    _(
                        "We could not find “%(place)s”. Try a municipality, a town or a "
                        "four-digit postal code."
                    )
                    % {"place": data["q"]},
                )
        return data

    def to_query(self) -> SearchQuery:
        assert self.is_valid()
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if lat is None and self.place is not None:
            lat, lon = self.place.latitude, self.place.longitude
        return SearchQuery(
            latitude=lat,
            longitude=lon,
            radius_km=data.get("radius") or DEFAULT_RADIUS_KM,
            themes=frozenset(theme.pk for theme in data.get("theme") or []),
            weekdays=frozenset(data.get("weekday") or []),
            times=frozenset(data.get("time") or []),
            formats=frozenset(data.get("format") or []),
            statuses=frozenset(data.get("status") or []),
        )
