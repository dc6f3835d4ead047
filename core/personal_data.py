"""What each app holds about a person, declared where the data lives.

Data rights and retention (the ``privacy`` app) never import another app's
models. Instead every app that keeps something about a person says so in its
own ``<app>/personal_data.py``: a ``PersonalData`` subclass, passed to
``register()``. ``privacy`` imports those modules at start-up
(``autodiscover_modules``) and asks them, in the order of ``INSTALLED_APPS``:

- ``models`` and ``links``: which models hold a person, and for every foreign
  key to a person or a membership, where the download answers for it (or why
  it does not). ``tests/privacy`` fails when a model or a link has no entry.
- ``sections``: the app's parts of the downloaded file.
- ``deletion_check``, ``withdraw``, ``erase``: the app's steps when an account
  is deleted (the order is ``privacy.deletion``'s).
- ``retention``: the app's rules of "How long" in ``docs/privacy.md``.

The base lives here, at the bottom, so that any app can register without
importing ``privacy``. Core's own entries (the audit trail) are at the end.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet

from .models import AuditEvent
from .signals import identifier_digest


@dataclass(frozen=True)
class ExportSection:
    """One part of the downloaded file, built from the person's own rows.

    ``path`` says where it goes: ``"profile"`` at the top level,
    ``"staff.roles"`` inside ``"staff"``. A path ``"rows[].name"`` adds the
    key ``name`` to every row of the section ``"rows"``: ``build`` then
    returns ``{row id: value}`` and rows it leaves out get ``default()``. A
    section that other sections add keys to returns ``{row id: row}``; the
    file lists its rows in that order.
    """

    path: str
    build: Callable[[Any], Any]
    default: Callable[[], Any] = list


@dataclass(frozen=True)
class RetentionRule:
    """One rule of "How long": removes or empties what is older than a period.

    ``apply(now)`` returns how many rows it removed or emptied, and must find
    nothing more to do when run twice. ``setting`` names the period (days).
    Rules that share a name (one period for rows in two apps) count together.
    """

    name: str
    apply: Callable[[datetime.datetime], int]
    setting: str = ""


@dataclass(frozen=True)
class Person:
    """The person whose account is being deleted, while their rows still exist."""

    user: Any
    emails: frozenset[str]  # every address of theirs, lower-cased
    needles: tuple[str, ...]  # their addresses and phone number: what others' rows may hold


class PersonalData:
    """What one app holds about a person. Override what applies; the rest does nothing."""

    app_label: ClassVar[str]
    # Labels of the app's models that hold something about a person.
    models: ClassVar[tuple[str, ...]] = ()
    # "app.Model.field" of every foreign key to a person or a membership: the
    # download's path that answers for it, or "not exported: <why>".
    links: ClassVar[Mapping[str, str]] = {}
    sections: ClassVar[Sequence[ExportSection]] = ()
    retention: ClassVar[Sequence[RetentionRule]] = ()

    def email_addresses(self, *, user: Any) -> Iterable[str]:
        """The person's addresses besides ``user.email``."""
        return ()

    def accounts_to_keep(self) -> QuerySet[Any] | None:
        """Ids of accounts (``values("user_id")``) this app needs even if never verified."""
        return None

    def deletion_check(self, *, user: Any) -> None:
        """Raise ``DomainError`` when the account may not be deleted now."""

    def withdraw(self, *, user: Any) -> None:
        """Before deletion: leave what the person takes part in, through the app's services."""

    def erase(self, *, person: Person) -> None:
        """Before the user row goes: remove or clear what names the person in others' rows.

        Rows that belong to the person go with the user row (cascade); this
        is for what would stay behind.
        """


_registry: dict[str, PersonalData] = {}


def register(provider: PersonalData) -> PersonalData:
    """Add an app's declaration (once per app; a second import replaces it)."""
    _registry[provider.app_label] = provider
    return provider


def providers() -> list[PersonalData]:
    """Every registered declaration, in the order of ``INSTALLED_APPS``."""
    order = {config.label: index for index, config in enumerate(apps.get_app_configs())}
    return sorted(_registry.values(), key=lambda p: order.get(p.app_label, len(order)))


def iso(value: datetime.datetime | datetime.date | None) -> str | None:
    """A time or date as the download writes it (ISO 8601), or None."""
    return value.isoformat() if value is not None else None


def before(now: datetime.datetime, setting: str) -> datetime.datetime:
    """``now`` minus the retention period ``setting`` (days)."""
    return now - datetime.timedelta(days=int(getattr(settings, setting)))


# --- Helpers for the apps' erase steps ----------------------------------------


def audit_forget_target(*, target_type: str, ids: Collection[int | str]) -> None:
    """Audit rows about these objects keep what happened, not which object it was."""
    AuditEvent.objects.filter(target_type=target_type, target_id__in=[str(i) for i in ids]).update(
        target_id=""
    )


def audit_forget_ids(
    *, key: str, ids: Collection[int], event: AuditEvent.Event | None = None
) -> None:
    """Set ``data[key]`` to None where it holds one of ``ids`` (of ``event`` only, if given)."""
    if not ids:
        return
    wanted = list(ids)
    events = AuditEvent.objects.filter(**{f"data__{key}__in": wanted})
    if event is not None:
        events = events.filter(event=event)
    for row in events.only("pk", "data"):
        data = dict(row.data)
        if data.get(key) in wanted:
            data[key] = None
            AuditEvent.objects.filter(pk=row.pk).update(data=data)


# --- Core's own: the audit trail ----------------------------------------------


def _audit_events(user: Any) -> list[dict[str, Any]]:
    return [
        {"event": e.event, "at": iso(e.created_at), "about": e.target_type}
        for e in AuditEvent.objects.filter(actor=user).order_by("created_at", "pk")
    ]


def strip_audit_details(now: datetime.datetime) -> int:
    """Old audit rows keep what happened and when; the ids in ``data`` go."""
    cutoff = before(now, "SELVHJELP_RETAIN_AUDIT_DETAILS_DAYS")
    return (
        AuditEvent.objects.filter(created_at__lt=cutoff)
        .filter(~Q(data={}) | ~Q(target_id=""))
        .update(data={}, target_id="")
    )


def delete_old_audit_events(now: datetime.datetime) -> int:
    cutoff = before(now, "SELVHJELP_RETAIN_AUDIT_DAYS")
    return AuditEvent.objects.filter(created_at__lt=cutoff).delete()[0]


class CoreData(PersonalData):
    app_label = "core"
    models = ("core.AuditEvent",)
    links = {"core.AuditEvent.actor": "audit_events"}
    sections = (ExportSection("audit_events", _audit_events),)
    retention = (
        RetentionRule("audit_details", strip_audit_details, "SELVHJELP_RETAIN_AUDIT_DETAILS_DAYS"),
        RetentionRule("audit_events", delete_old_audit_events, "SELVHJELP_RETAIN_AUDIT_DAYS"),
    )

    def erase(self, *, person: Person) -> None:
        # Failed logins keep a keyed hash of the typed address: drop the person's.
        digests = [identifier_digest(needle) for needle in person.needles]
        AuditEvent.objects.filter(data__identifier__in=digests).update(data={})


register(CoreData())
