from __future__ import annotations

import copy
import functools
import math
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import widgets
from organisations.models import ContactPoint
from places.selectors import Place, resolve_place

from .models import Group
from .search import (
    DEFAULT_RADIUS_KM,
    RADIUS_CHOICES_KM,
    SearchQuery,
    Status,
)
from .selectors import ThemeChoice as ThemeChoiceRow
from .selectors import theme_choices
from .services import EDITABLE_FIELDS

MAX_PAGE = 1000
# The error code of a place the gazetteer does not know.
UNKNOWN_PLACE = "unknown_place"
# Norway with a margin: a point outside is not a place we can search around.
LATITUDE_RANGE = (57.0, 72.0)
LONGITUDE_RANGE = (3.0, 33.0)


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
        widget=widgets.TextInput(
            attrs={"autocomplete": "off", "list": "place-suggestions", "spellcheck": "false"}
        ),
    )
    lat = forms.FloatField(required=False, widget=widgets.HiddenInput)
    lon = forms.FloatField(required=False, widget=widgets.HiddenInput)
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        choices=[(r, _("%(km)s km") % {"km": r}) for r in RADIUS_CHOICES_KM],
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS_KM,  # type: ignore[arg-type]
        initial=DEFAULT_RADIUS_KM,
        widget=widgets.Select,
    )
    # Slugs; the choices are set in __init__ from the themes cached between requests.
    theme = forms.MultipleChoiceField(
        label=_("Theme"),
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    weekday = forms.TypedMultipleChoiceField(
        label=_("Day"),
        choices=Group.Weekday.choices,
        coerce=int,
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    time = forms.MultipleChoiceField(
        label=_("Time of day"),
        choices=[
            ("morning", _("Morning (before 12)")),
            ("afternoon", _("Afternoon (12–17)")),
            ("evening", _("Evening (from 17)")),
        ],
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    format = forms.MultipleChoiceField(
        label=_("Format"),
        choices=Group.Format.choices,
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=[
            (Status.OPEN, _("Open for new members")),
            (Status.STARTING_SOON, _("Starting soon")),
            (Status.WAITING_LIST, _("Full, with waiting list")),
        ],
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django deep-copies every field for every form. These fields never change
        # once made, so every form with the same themes in the same language shares
        # one set (``_search_fields``): nothing may change a field of this form.
        self.base_fields = {}  # type: ignore[misc]  # nothing for Django to copy
        super().__init__(*args, **kwargs)
        self.place: Place | None = None
        self.themes = theme_choices()
        self.fields = dict(_search_fields(translation.get_language(), tuple(self.themes)))

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
                    forms.ValidationError(
                        _(
                            "We could not find “%(place)s”. Try a municipality, a town or a "
                            "four-digit postal code."
                        )
                        % {"place": data["q"]},
                        code=UNKNOWN_PLACE,
                    ),
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
            themes=frozenset(
                theme.pk for theme in self.themes if theme.slug in (data.get("theme") or [])
            ),
            weekdays=frozenset(data.get("weekday") or []),
            times=frozenset(data.get("time") or []),
            formats=frozenset(data.get("format") or []),
            statuses=frozenset(data.get("status") or []),
        )


@functools.lru_cache(maxsize=16)
def _search_fields(language: str | None, themes: tuple[ThemeChoiceRow, ...]) -> dict[str, Any]:
    """``GroupSearchForm``'s fields with the theme choices, made once per language and
    themes (a changed theme is another key)."""
    fields = copy.deepcopy(GroupSearchForm.base_fields)
    with translation.override(language):
        fields["theme"].choices = [(theme.slug, theme.name) for theme in themes]  # type: ignore[attr-defined]
    return fields


# --- Setting up a group (staff area) -------------------------------------------

CAPACITY_RECOMMENDED = (4, 8)
CAPACITY_ALLOWED = (2, 12)
AGE_SPAN_RECOMMENDED = 15


class ThemeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class GroupForm(forms.ModelForm):
    """A group's set-up: public face, schedule and the group-internal place.

    ``reveal_internal=False`` makes the exact place and the meeting link
    write-only: the field shows empty and an empty answer keeps what is set.
    Contact-point staff do not see inside a group, its place included.
    ``contact_points`` (more than one) adds a choice of contact point.
    """

    contact_point = forms.ModelChoiceField(
        label=_("Contact point"), queryset=ContactPoint.objects.none(), required=False
    )

    class Meta:
        model = Group
        fields = list(EDITABLE_FIELDS)
        field_classes = {"theme": ThemeChoice}
        labels = {"area": _("Meeting area or neighbourhood")}
        help_texts = {
            "description": _("Shown publicly. Do not name members or the exact place."),
            "kommune": _("Required for groups that meet in person."),
            "area": _("Shown publicly, e.g. “Sentrum”."),
            "place": _("Only members see it, e.g. “Frivilligsentralen, room 2”."),
            "meeting_url": _("Only members see it."),
            "capacity": _("4–8 members is recommended; between 2 and 12 is possible."),
            "age_max": _("An age span of at most about 15 years is recommended."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "format": forms.RadioSelect,
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        error_messages = {
            "capacity": {
                "min_value": _("A group needs at least 2 seats (4–8 is recommended)."),
                "max_value": _("A group can have at most 12 seats (4–8 is recommended)."),
            },
        }

    def __init__(
        self,
        *args: Any,
        contact_points: Any = None,
        reveal_internal: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reveal_internal = reveal_internal
        kommune = self.fields["kommune"]
        kommune.queryset = kommune.queryset.select_related("fylke").order_by(  # type: ignore[attr-defined]
            "name", "fylke__name"
        )
        if contact_points is not None and len(contact_points) > 1:
            field = self.fields["contact_point"]
            field.queryset = contact_points  # type: ignore[attr-defined]
            field.required = True
        else:
            del self.fields["contact_point"]
        if self.instance.cadence != Group.Cadence.CUSTOM:
            # Chosen days are set by the members on the group's meeting-time
            # page, once the group meets; the set-up offers the two rhythms.
            self.fields["cadence"].choices = [  # type: ignore[attr-defined]
                choice
                for choice in self.fields["cadence"].choices  # type: ignore[attr-defined]
                if choice[0] != Group.Cadence.CUSTOM
            ]
        if not reveal_internal:
            for name in ("place", "meeting_url"):
                self.initial[name] = ""
                self.fields[name].help_text = _(
                    "Only the group's members and initiators see it. Leave empty to keep "
                    "what is set."
                )

    def clean_capacity(self) -> int:
        value = self.cleaned_data["capacity"]
        low, high = CAPACITY_ALLOWED
        if not low <= value <= high:
            raise forms.ValidationError(
                _("A group can have between 2 and 12 seats (4–8 is recommended).")
            )
        return int(value)

    def clean_age_min(self) -> int:
        value = self.cleaned_data["age_min"]
        if value < 18:
            raise forms.ValidationError(_("Groups are for adults: 18 or older."))
        return int(value)

    def clean_age_max(self) -> int | None:
        value = self.cleaned_data.get("age_max")
        if value is not None and value > 120:
            raise forms.ValidationError(_("Enter an age of at most 120."))
        return value

    def clean_duration_minutes(self) -> int:
        value = self.cleaned_data["duration_minutes"]
        if not 30 <= value <= 240:
            raise forms.ValidationError(_("A meeting lasts between 30 and 240 minutes."))
        return int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.reveal_internal and self.instance.pk:
            for name in ("place", "meeting_url"):
                if not data.get(name):
                    data[name] = getattr(self.instance, name)
        if data.get("format") == Group.Format.IN_PERSON and not data.get("kommune"):
            self.add_error("kommune", _("A group that meets in person needs a municipality."))
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_max < age_min:
            self.add_error("age_max", _("The oldest age cannot be lower than the youngest."))
        return data

    def _post_clean(self) -> None:
        # The service sets the derived fields (slug, point) and runs full_clean.
        pass

    def warnings(self) -> list[str]:
        """Advice the group may still ignore (Selvhjelp Norge's recommended frames)."""
        data = self.cleaned_data
        notes: list[str] = []
        capacity = data.get("capacity")
        low, high = CAPACITY_RECOMMENDED
        if capacity is not None and not low <= capacity <= high:
            notes.append(str(_("Selvhjelp Norge recommends 4–8 members per group.")))
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_max - age_min > AGE_SPAN_RECOMMENDED:
            notes.append(str(_("An age span of at most about 15 years is recommended.")))
        return notes

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SupportRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What would you like help with?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Your follow-up contacts read this. Write about the group's situation, not about "
            "anyone's health."
        ),
    )


class SupportAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InitiatorInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_(
            "The person gets a link by e-mail and becomes an initiator of this group when "
            "they accept."
        ),
    )
    purpose = forms.ChoiceField(
        label=_("Why"),
        choices=[
            ("co", _("As a co-initiator: two initiators share the start")),
            ("hand_over", _("To take over my role: I step out when they accept")),
        ],
        initial="co",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, may_hand_over: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_hand_over:
            del self.fields["purpose"]


class ChecklistTickForm(forms.Form):
    item = forms.CharField(max_length=40)
    ticked = forms.BooleanField(required=False)
