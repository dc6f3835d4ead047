"""Who sees which part of the country, and the dashboard's filters.

District staff see the fylker of their own district office; national
administrators see the whole country and may narrow it to one district. A
filter value naming a district, fylke or kommune outside the viewer's reach
answers 404, like every other hidden thing; impossible time ranges get a
message in the form.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.models import Theme
from organisations.models import District
from organisations.selectors import districts_for_user, is_national_admin
from places.models import Fylke, Kommune

OSLO = ZoneInfo("Europe/Oslo")
EARLIEST_MONTH = datetime.date(2000, 1, 1)
MAX_MONTHS = 60
DEFAULT_MONTHS = 12
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def oslo_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=OSLO)


def this_month() -> datetime.date:
    return month_start(timezone.localdate(timezone=OSLO))


@dataclass(frozen=True)
class Scope:
    """The part of the country and the months a dashboard covers."""

    districts: tuple[District, ...]
    national: bool  # the whole country, fylker without a district office included
    # The kommuner covered (empty when national): filtering on ids spares the
    # database a join to the kommune and fylke tables.
    kommune_ids: tuple[int, ...]
    fylke: Fylke | None
    kommune: Kommune | None
    theme: Theme | None
    first_month: datetime.date
    last_month: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        return months_between(self.first_month, self.last_month)

    @property
    def start(self) -> datetime.datetime:
        return oslo_midnight(self.first_month)

    @property
    def end(self) -> datetime.datetime:
        """Exclusive: midnight at the start of the month after ``last_month``."""
        return oslo_midnight(add_months(self.last_month, 1))

    def area_q(self, prefix: str = "") -> Q:
        """Groups (or ``prefix``-related groups) in the scope's area and theme.

        A group's area is its kommune; a digital group without one belongs
        to its contact point's kommune.
        """
        q = Q()
        if not self.national:
            q &= Q(**{f"{prefix}kommune_id__in": self.kommune_ids}) | Q(
                **{
                    f"{prefix}kommune__isnull": True,
                    f"{prefix}contact_point__kommune_id__in": self.kommune_ids,
                }
            )
        if self.theme is not None:
            q &= Q(**{f"{prefix}theme": self.theme.pk})
        return q

    def kommune_theme_q(self) -> Q:
        """Rows with a kommune and a theme of their own in the scope's area and theme.

        Pre-aggregated meeting cells (``MeetingCell``) and interest
        registrations: both carry ``kommune`` and ``theme`` directly.
        """
        q = Q()
        if not self.national:
            q &= Q(kommune_id__in=self.kommune_ids)
        if self.theme is not None:
            q &= Q(theme=self.theme.pk)
        return q

    def as_query(self) -> dict[str, str]:
        """The filters as GET parameters, for links (CSV) that keep them."""
        params = {
            "fra": self.first_month.strftime("%Y-%m"),
            "til": self.last_month.strftime("%Y-%m"),
        }
        if len(self.districts) == 1 and not self.national:
            params["distrikt"] = self.districts[0].slug
        if self.kommune is not None:
            params["kommune"] = self.kommune.number
        elif self.fylke is not None:
            params["fylke"] = self.fylke.number
        if self.theme is not None:
            params["tema"] = self.theme.slug
        return params


def viewer_districts(user: Any) -> tuple[bool, list[District]]:
    """(national, districts) the user may look at; 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    national = is_national_admin(user)
    districts = list(districts_for_user(user=user).order_by("name"))
    if not national and not districts:
        raise Http404
    return national, districts


def _month_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=7,
        help_text=_("Year and month, for example 2026-01."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{4}-\d{2}"}),
    )


class QuickSelect(forms.Select):
    """A ``<select>`` whose options are joined in Python.

    The country's 357 kommuner render in a fraction of the time Django's
    per-option template takes; the markup is the same.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        # The class every other control gets from templates/django/forms/widgets/attrs.html.
        final["class"] = " ".join(filter(None, ["ds-input", final.get("class")]))
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), mark_safe(" selected") if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class DashboardFilterForm(forms.Form):
    """Filters; choices are limited to what the viewer may see."""

    distrikt = forms.ChoiceField(label=_("District office"), required=False, widget=QuickSelect)
    fylke = forms.ChoiceField(label=_("County"), required=False, widget=QuickSelect)
    kommune = forms.ChoiceField(label=_("Municipality"), required=False, widget=QuickSelect)
    tema = forms.ChoiceField(label=_("Theme"), required=False, widget=QuickSelect)
    fra = _month_field(_("From month"))
    til = _month_field(_("To month"))

    def __init__(
        self,
        data: QueryDict,
        *,
        national: bool,
        districts: list[District],
        fylker: list[Fylke],
        kommuner: list[Kommune],
        themes: list[Theme],
    ) -> None:
        super().__init__(data)
        everything: list[tuple[str, str]] = [("", gettext("All"))]
        choice_fields: dict[str, forms.ChoiceField] = {
            name: field
            for name, field in self.fields.items()
            if isinstance(field, forms.ChoiceField)
        }
        if national or len(districts) > 1:
            choice_fields["distrikt"].choices = everything + [(d.slug, d.name) for d in districts]
        else:
            del self.fields["distrikt"]
        choice_fields["fylke"].choices = everything + [(f.number, f.name) for f in fylker]
        choice_fields["kommune"].choices = everything + [(k.number, str(k)) for k in kommuner]
        choice_fields["tema"].choices = everything + [(t.slug, t.name) for t in themes]

    @staticmethod
    def _parse_month(value: str) -> datetime.date | None:
        if not value:
            return None
        match = _MONTH_RE.match(value.strip())
        if match is None:
            raise forms.ValidationError(
                _("Write the month as year and month, for example 2026-01."), code="format"
            )
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise forms.ValidationError(_("There is no such month."), code="format")
        return datetime.date(year, month, 1)

    def clean_fra(self) -> datetime.date | None:
        return self._parse_month(self.cleaned_data.get("fra", ""))

    def clean_til(self) -> datetime.date | None:
        return self._parse_month(self.cleaned_data.get("til", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        now = this_month()
        last = cleaned.get("til") or now
        first = cleaned.get("fra") or add_months(last, -(DEFAULT_MONTHS - 1))
        if "fra" in self.errors or "til" in self.errors:
            return cleaned
        if first > last:
            raise forms.ValidationError(
                _("The first month comes after the last month. Swap them and try again."),
                code="reversed",
            )
        if first < EARLIEST_MONTH:
            self.add_error("fra", _("The platform has no data from before 2000."))
        if last > now:
            self.add_error("til", _("The last month cannot be in the future."))
        span = (last.year - first.year) * 12 + last.month - first.month + 1
        if span > MAX_MONTHS:
            raise forms.ValidationError(
                _("Choose at most %(count)d months at a time.") % {"count": MAX_MONTHS},
                code="too_long",
            )
        cleaned["first_month"], cleaned["last_month"] = first, last
        return cleaned


@dataclass
class ScopeResult:
    form: DashboardFilterForm
    scope: Scope | None  # None when the form has errors


def scope_from_request(*, user: Any, data: QueryDict) -> ScopeResult:
    """Check the filters against what ``user`` may see and build the scope.

    District, fylke and kommune values outside the viewer's area (or unknown)
    raise ``Http404``; other mistakes become form errors.
    """
    national, districts = viewer_districts(user)
    district_slug = data.get("distrikt", "").strip()
    chosen = districts
    if district_slug:
        chosen = [d for d in districts if d.slug == district_slug]
        if not chosen:
            raise Http404
    whole_country = national and not district_slug
    fylker_qs = Fylke.objects.order_by("name")
    if not whole_country:
        fylker_qs = fylker_qs.filter(district__in=[d.pk for d in chosen])
    fylker = list(fylker_qs)
    fylke = None
    fylke_number = data.get("fylke", "").strip()
    if fylke_number:
        fylke = next((f for f in fylker if f.number == fylke_number), None)
        if fylke is None:
            raise Http404
    kommuner_qs = Kommune.objects.select_related("fylke").order_by("name", "fylke__name")
    if fylke is not None:
        kommuner_qs = kommuner_qs.filter(fylke=fylke)
    elif not whole_country:
        kommuner_qs = kommuner_qs.filter(fylke__in=[f.pk for f in fylker])
    kommune = None
    kommune_number = data.get("kommune", "").strip()
    if kommune_number:
        kommune = kommuner_qs.filter(number=kommune_number).first()
        if kommune is None:
            raise Http404
    kommuner = list(kommuner_qs)
    themes = list(Theme.objects.all())
    theme = None
    theme_slug = data.get("tema", "").strip()
    if theme_slug:
        theme = next((t for t in themes if t.slug == theme_slug), None)
        if theme is None:
            raise Http404
    form = DashboardFilterForm(
        data,
        national=national,
        districts=districts,
        fylker=fylker,
        kommuner=kommuner,
        themes=themes,
    )
    if not form.is_valid():
        return ScopeResult(form=form, scope=None)
    if kommune is not None:
        kommune_ids: tuple[int, ...] = (kommune.pk,)
    else:
        kommune_ids = tuple(k.pk for k in kommuner)
    scope = Scope(
        districts=tuple(chosen),
        national=whole_country and fylke is None and kommune is None,
        kommune_ids=kommune_ids,
        fylke=fylke,
        kommune=kommune,
        theme=theme,
        first_month=form.cleaned_data["first_month"],
        last_month=form.cleaned_data["last_month"],
    )
    return ScopeResult(form=form, scope=scope)
