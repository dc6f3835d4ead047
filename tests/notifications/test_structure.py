"""The outbox is infrastructure: it imports no other app of the project but the
kernel (``core``, which holds the personal-data registry every app registers
with), and its own modules import each other without a cycle. Kinds come from the apps that
cause them, through the registry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import notifications
from notifications import registry

PACKAGE = Path(notifications.__file__).parent
ROOT = PACKAGE.parent
PROJECT_APPS = {
    p.name
    for p in ROOT.iterdir()
    if (p / "__init__.py").exists() and p.name not in {"notifications", "core", "tests", "bench"}
}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, relative ones resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = "notifications" if node.level == 1 else ""
                module = f"{base}.{node.module}" if node.module else base
                found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
            elif node.module:
                found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _modules() -> dict[str, Path]:
    return {f"notifications.{p.stem}": p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def test_notifications_imports_no_other_app_of_the_project():
    assert "meetings" in PROJECT_APPS and "groups" in PROJECT_APPS  # the scan sees the apps
    wrong = {
        f"{name}: {module}"
        for name, path in _modules().items()
        for module in _imports(path)
        if module.split(".")[0] in PROJECT_APPS
    }
    assert not wrong


def test_the_outbox_modules_import_each_other_without_a_cycle():
    modules = _modules()
    edges = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            pytest.fail("import cycle: " + " → ".join([*path[path.index(name) :], name]))
        if name in done:
            return
        for target in edges[name]:
            visit(target, (*path, name))
        done.add(name)

    for name in modules:
        visit(name, ())
    assert edges["notifications.sending"] >= {"notifications.registry"}


def test_every_kind_the_apps_send_is_registered_from_their_own_messages_module():
    owners = {
        "meeting_reminder": "meetings.messages",
        "meeting_cancelled": "meetings.messages",
        "meeting_moved": "meetings.messages",
        "join_request": "joining.messages",
        "seat_offer": "joining.messages",
        "join_welcome": "joining.messages",
        "join_not_this_time": "joining.messages",
        "seat_lapsed": "joining.messages",
        "proposal": "decisions.messages",
        "proposal_outcome": "decisions.messages",
        "quorum_alert": "interest.messages",
        "interest_invitation": "interest.messages",
        "interest_expiry": "interest.messages",
        "support_request": "groups.messages",
        "step_back_nudge": "groups.messages",
        "staff_invitation": "organisations.messages",
        "district_digest": "monitoring.digest",
        "change_report": "directory.messages",
        "board_post": "board.messages",
    }
    assert set(registry.kinds()) == set(owners)
    assert {kind: registry.renderer_for(kind).__module__ for kind in owners} == owners


def test_a_kind_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="already registered"):
        registry.register("seat_offer")(lambda message: None)


def test_prepare_runs_once_per_hook_with_the_messages_of_the_kinds_that_share_it(monkeypatch):
    from notifications.models import OutgoingMessage

    calls: list[tuple[str, list[str]]] = []

    def first(messages):
        calls.append(("first", [m.key for m in messages]))

    def second(messages):
        calls.append(("second", [m.key for m in messages]))

    monkeypatch.setattr(registry, "_renderers", {})
    monkeypatch.setattr(registry, "_prepares", {})
    registry.register("a", prepare=first)(lambda m: None)
    registry.register("b", prepare=first)(lambda m: None)
    registry.register("c", prepare=second)(lambda m: None)
    registry.register("d")(lambda m: None)
    rows = [OutgoingMessage(key=f"{kind}:{i}", kind=kind) for i, kind in enumerate("abcdab")]
    registry.prepare(rows)
    assert calls == [("first", ["a:0", "b:1", "a:4", "b:5"]), ("second", ["c:2"])]
