"""Norway's administrative geography: fylker, kommuner (2024 numbering) and postal codes.

Loaded by a data migration from the gazetteer shipped in ``places/data/``
(see docs/gazetteer.md), so every database, test databases included, has it.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _


class Fylke(models.Model):
    number = models.CharField(_("number"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=80)
    district = models.ForeignKey(
        "organisations.District",
        verbose_name=_("district office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fylker",
    )

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class Kommune(models.Model):
    number = models.CharField(_("number"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=80)
    # Official Sami or Kven names beside the Norwegian one, separated by ";".
    other_names = models.CharField(_("other official names"), max_length=120, blank=True)
    fylke = models.ForeignKey(
        Fylke, verbose_name=_("county"), on_delete=models.PROTECT, related_name="kommuner"
    )
    # A representative point (not a member's location): used as the default
    # meeting-area point of groups in this kommune and for place searches.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        # The finder's in-person list without a place walks the kommuner in name order.
        indexes = [models.Index(fields=["name", "id"], name="places_kommune_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=57, latitude__lte=72, longitude__gte=4, longitude__lte=32),
                name="places_kommune_point_in_norway",
            ),
        ]

    def __str__(self) -> str:
        """The name, with the fylke added where another kommune has the same name.

        Two Herøy and two Våler: wherever a kommune is chosen or listed, its
        label tells them apart (select ``fylke`` with it to spare a query).
        """
        if self.name in shared_kommune_names():
            return f"{self.name} ({self.fylke.name})"
        return self.name

    @property
    def district(self):  # type: ignore[no-untyped-def]
        return self.fylke.district


class PostalCode(models.Model):
    """A postal code (postnummer) with its postal place (poststed) and kommune."""

    code = models.CharField(_("postal code"), max_length=4, unique=True)
    place = models.CharField(_("postal place"), max_length=60)
    kommune = models.ForeignKey(
        Kommune,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="postal_codes",
    )

    class Meta:
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.place}"


@lru_cache(maxsize=1)
def shared_kommune_names() -> frozenset[str]:
    """Names that more than one kommune carries; cleared when the gazetteer changes."""
    return frozenset(
        Kommune.objects.order_by()
        .values("name")
        .annotate(count=models.Count("pk"))
        .filter(count__gt=1)
        .values_list("name", flat=True)
    )
