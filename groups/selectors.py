"""Reads about groups that several views share, with access rules built in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core import caching, languages
from organisations.models import ContactPoint, District, StaffRole

from .models import Group, Membership, Theme


def group_get_public(*, slug: str, user: Any) -> Group:
    """The group's public page; drafts and ended groups only for those who run them."""
    group = get_object_or_404(
        Group.objects.select_related("theme", "kommune", "contact_point__kommune"),
        slug=slug,
    )
    if group.state not in Group.State.ACTIVE and not user_runs_group(user=user, group=group):
        raise Http404
    return group


def user_runs_group(*, user: Any, group: Group) -> bool:
    """Contact-point staff of the group's contact point (not members, not initiators)."""
    if not user.is_authenticated:
        return False
    return StaffRole.objects.filter(
        user=user,
        kind=StaffRole.Kind.CONTACT_POINT_STAFF,
        contact_point_id=group.contact_point_id,
    ).exists()


def membership_get_active(*, user: Any, group: Group) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.active().filter(user=user, group=group).first()


def groups_for_user(*, user: Any) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(user=user)
        .exclude(group__state=Group.State.DRAFT)
        .select_related("group__theme", "group__kommune")
    )


def groups_public_list() -> Any:
    return (
        Group.objects.public()
        .select_related("theme", "kommune")
        .order_by("kommune__name", "name")
        .filter(Q(format=Group.Format.DIGITAL) | Q(kommune__isnull=False))
    )


def district_overview(*, district: District) -> QuerySet[ContactPoint]:
    """Contact points of a district with their group counts by state (no people)."""
    states = Group.State
    return (
        ContactPoint.objects.filter(kommune__fylke__district=district)
        .select_related("kommune")
        .annotate(
            forming=Count("groups", filter=Q(groups__state=states.FORMING)),
            starting=Count("groups", filter=Q(groups__state=states.STARTING)),
            self_run=Count("groups", filter=Q(groups__state=states.SELF_RUN)),
            paused=Count("groups", filter=Q(groups__state=states.PAUSED)),
            ended=Count("groups", filter=Q(groups__state=states.ENDED)),
        )
        .order_by("kommune__name", "name")
    )


def contact_point_groups(*, contact_point: ContactPoint) -> QuerySet[Group]:
    return (
        Group.objects.filter(contact_point=contact_point)
        .select_related("theme", "kommune")
        .order_by("state", "name")
    )


# --- Theme choices, shared between requests -----------------------------------

# A new name whenever the cached rows change shape (v1 held objects).
THEMES_CACHE_KEY = "groups:themes:v3"
# Saving or deleting a theme drops the cache at once; a data migration does not
# (no signal), so the cached list lives ten minutes at most.
THEMES_CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class ThemeChoice:
    pk: int
    slug: str
    name_nb: str
    name_nn: str
    name_en: str
    is_mixed: bool = False

    @property
    def name(self) -> str:
        return languages.pick(nb=self.name_nb, nn=self.name_nn, en=self.name_en)


def theme_choices() -> list[ThemeChoice]:
    """Every theme in the finder's order, from the cache (a query only when it is cold).

    The finder shows the themes on every search; they change a few times a
    year, through the admin. Saving or deleting a theme drops the cached list
    (``theme_choices_forget``, connected in ``apps.py``); every worker process
    sees the change within ``core.caching.LOCAL_SECONDS``.
    """
    # Plain tuples in the cache, so that a new release reads what an old one wrote.
    rows = caching.remembered(
        THEMES_CACHE_KEY,
        lambda: list(
            Theme.objects.values_list("pk", "slug", "name_nb", "name_nn", "name_en", "is_mixed")
        ),
        THEMES_CACHE_SECONDS,
    )
    return [ThemeChoice(*row) for row in rows]


def theme_choices_forget(**kwargs: object) -> None:
    """Drop the cached themes (``core.caching.forget``)."""
    caching.forget(THEMES_CACHE_KEY)
