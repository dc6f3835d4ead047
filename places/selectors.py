"""Turning what a seeker types into a point: kommune, postal place or postal code.

Typing without Norwegian letters must work (``Tromso`` finds Tromsø, ``Baerum``
finds Bærum), so names are compared in a folded form. The gazetteer is small
and never changes while a process runs, so it is indexed in memory once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.db.models.signals import post_delete, post_save

from .models import Kommune, PostalCode, shared_kommune_names

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_POSTAL_CODE = re.compile(r"^\d{4}$")


def fold(text: str) -> str:
    """Lower-case ASCII form in which Norwegian letters and their spellings meet.

    ``ø``/``oe`` → ``o``, ``å``/``aa`` → ``a``, ``æ``/``ae`` → ``a``; other
    accents are dropped and punctuation becomes a single space.
    """
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("aa", "a").replace("oe", "o").replace("ae", "a")
    return _NON_ALNUM.sub(" ", text).strip()


@dataclass(frozen=True)
class Place:
    label: str
    kind: str  # "kommune" | "postal_place" | "postal_code"
    latitude: float
    longitude: float
    kommune_number: str


@dataclass(frozen=True)
class _Entry:
    folded: str
    place: Place
    rank: int  # kommuner before postal places


@lru_cache(maxsize=1)
def _index() -> tuple[_Entry, ...]:
    entries: list[_Entry] = []
    kommuner = {
        k.number: k for k in Kommune.objects.select_related("fylke").filter(latitude__isnull=False)
    }
    for kommune in kommuner.values():
        place = Place(
            label=f"{kommune.name} ({kommune.fylke.name})",
            kind="kommune",
            latitude=kommune.latitude,  # type: ignore[arg-type]
            longitude=kommune.longitude,  # type: ignore[arg-type]
            kommune_number=kommune.number,
        )
        names = [kommune.name, *filter(None, kommune.other_names.split(";"))]
        for name in names:
            entries.append(_Entry(fold(name), place, 0))
    seen: set[tuple[str, str]] = set()
    for code in PostalCode.objects.values_list("place", "kommune__number").order_by("code"):
        name, number = code
        if (name, number) in seen or number not in kommuner:
            continue
        seen.add((name, number))
        kommune = kommuner[number]
        pretty = name.title() if name.isupper() else name
        if fold(pretty) == fold(kommune.name):
            continue
        entries.append(
            _Entry(
                fold(pretty),
                Place(
                    label=f"{pretty} ({kommune.name})",
                    kind="postal_place",
                    latitude=kommune.latitude,  # type: ignore[arg-type]
                    longitude=kommune.longitude,  # type: ignore[arg-type]
                    kommune_number=number,
                ),
                1,
            )
        )
    return tuple(entries)


@lru_cache(maxsize=1)
def _by_label() -> dict[str, Place]:
    """Folded label → place, so a picked suggestion resolves without a scan."""
    labels: dict[str, Place] = {}
    for entry in _index():
        labels.setdefault(fold(entry.place.label), entry.place)
    return labels


@lru_cache(maxsize=1)
def _by_name() -> dict[str, Place]:
    """Folded name → the place ``suggest_places`` ranks first for exactly that name,
    so a typed name («Oslo», «Bø») resolves without a scan of every place."""
    names: dict[str, Place] = {}
    for entry in sorted(_index(), key=lambda entry: (entry.rank, entry.place.label)):
        names.setdefault(entry.folded, entry.place)
    return names


def clear_cache() -> None:
    _index.cache_clear()
    _by_label.cache_clear()
    _by_name.cache_clear()
    shared_kommune_names.cache_clear()


def _postal_code(code: str) -> Place | None:
    row = PostalCode.objects.select_related("kommune").filter(code=code).first()
    if row is None or row.kommune.latitude is None:
        return None
    place = row.place.title() if row.place.isupper() else row.place
    return Place(
        label=f"{row.code} {place}",
        kind="postal_code",
        latitude=row.kommune.latitude,
        longitude=row.kommune.longitude,  # type: ignore[arg-type]
        kommune_number=row.kommune.number,
    )


def suggest_places(text: str, *, limit: int = 10) -> list[Place]:
    """Places whose name starts with (or contains) what was typed, best first."""
    text = text.strip()
    if _POSTAL_CODE.match(text):
        place = _postal_code(text)
        return [place] if place else []
    query = fold(text)
    if not query:
        return []
    scored: list[tuple[int, int, str, Place]] = []
    seen: set[str] = set()
    for entry in _index():
        if entry.folded == query:
            score = 0
        elif entry.folded.startswith(query):
            score = 1
        elif f" {query}" in f" {entry.folded}":
            score = 2
        else:
            continue
        scored.append((score, entry.rank, entry.place.label, entry.place))
    scored.sort(key=lambda item: item[:3])
    result = []
    for *_ignored, place in scored:
        if place.label not in seen:
            seen.add(place.label)
            result.append(place)
        if len(result) >= limit:
            break
    return result


def resolve_place(text: str) -> Place | None:
    """The single best place for a typed text, or None if nothing matches well.

    Accepts a label picked from the suggestions ("Tromsø (Troms)") as well.
    """
    text = text.strip()
    if not text:
        return None
    if _POSTAL_CODE.match(text) or re.match(r"^\d{4}\s", text):
        return _postal_code(text[:4])
    query = fold(text)
    picked = _by_label().get(query)
    if picked is not None:
        return picked
    exact = _by_name().get(query)
    candidates = [exact] if exact is not None else suggest_places(text, limit=1)
    if candidates and fold(candidates[0].label).startswith(query):
        return candidates[0]
    return None


def _reference_data_changed(**kwargs: object) -> None:
    clear_cache()


post_save.connect(_reference_data_changed, sender=Kommune, dispatch_uid="places-kommune-saved")
post_save.connect(_reference_data_changed, sender=PostalCode, dispatch_uid="places-postal-saved")
post_delete.connect(_reference_data_changed, sender=Kommune, dispatch_uid="places-kommune-deleted")
