"""Every app that holds something about a person says so, and says it completely.

Data rights and retention only know what the apps register in their
``personal_data.py`` (``core.personal_data``). These tests walk the models,
so a new model, foreign key, export section or retention rule without an
entry fails here instead of being silently left out of a download or a
deletion.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model

from core.personal_data import providers
from groups.models import Membership
from privacy.export import LAYOUT, ROW_KEY, sections
from privacy.retention import rules

DOC = Path(settings.BASE_DIR) / "docs" / "privacy.md"
# The project's own apps, as opposed to Django's and allauth's.
PROJECT_APPS = {
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(settings.BASE_DIR)
}


def person_links() -> dict[str, str]:
    """``"app.Model.field"`` of every foreign key to a person or a membership, by model."""
    people = (get_user_model(), Membership)
    return {
        f"{model._meta.label}.{field.name}": model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in people
    }


def declared_links() -> dict[str, str]:
    links: dict[str, str] = {}
    for provider in providers():
        links.update(provider.links)
    return links


def test_every_app_with_a_personal_data_module_is_registered():
    registered = {provider.app_label for provider in providers()}
    with_module = {
        config.label
        for config in apps.get_app_configs()
        if importlib.util.find_spec(f"{config.name}.personal_data") is not None
    }
    assert with_module == registered
    assert {"core", "accounts", "groups", "joining", "notifications"} <= registered


def test_every_link_to_a_person_has_a_decision():
    """A new foreign key to a person or a membership must be exported or explained."""
    links = set(person_links())
    declared = Counter(link for provider in providers() for link in provider.links)
    assert sorted(links - set(declared)) == []
    assert sorted(set(declared) - links) == []
    assert [link for link, count in declared.items() if count > 1] == []


def test_every_model_holding_a_person_is_covered_by_its_own_app():
    holding = set(person_links().values()) | {get_user_model()._meta.label}
    owners: dict[str, list[str]] = {}
    for provider in providers():
        for label in provider.models:
            owners.setdefault(label, []).append(provider.app_label)
    assert sorted(holding - set(owners)) == [], "models holding a person without a provider"
    assert {label: apps_ for label, apps_ in owners.items() if len(apps_) > 1} == {}
    for label, (owner,) in owners.items():
        app_label = apps.get_model(label)._meta.app_label  # raises for a model that is gone
        if app_label in PROJECT_APPS:
            assert owner == app_label, f"{label} is declared by {owner}, not by its own app"
    # A provider answers for the links of its own models only.
    for provider in providers():
        for link in provider.links:
            assert link.rsplit(".", 1)[0] in provider.models, (provider.app_label, link)


def test_every_exported_link_names_a_section():
    paths = {section.path for section in sections()}
    for link, decision in declared_links().items():
        if decision.startswith("not exported: "):
            continue
        assert decision.split(" (")[0] in paths, (link, decision)


def test_every_section_has_its_place_in_the_file():
    paths = [section.path for section in sections()]
    assert sorted(path for path, n in Counter(paths).items() if n > 1) == []
    assert sorted(set(paths) - set(LAYOUT)) == [], "give the new section a place in LAYOUT"
    assert sorted(set(LAYOUT) - set(paths)) == [], "LAYOUT names a section nobody provides"
    for path in paths:
        if ROW_KEY in path:
            parent = path.split(ROW_KEY)[0]
            assert parent in paths and paths.index(parent) < paths.index(path), path


def test_every_retention_rule_has_a_documented_period():
    text = DOC.read_text(encoding="utf-8")
    for rule in rules():
        assert re.fullmatch(r"[a-z_]+", rule.name), rule.name
        if rule.setting:
            assert hasattr(settings, rule.setting), rule.setting
            assert f"`{rule.setting}`" in text, rule.setting
    documented = set(re.findall(r"`(SELVHJELP_RETAIN_\w+)`", text))
    assert documented == {rule.setting for rule in rules() if rule.setting}
