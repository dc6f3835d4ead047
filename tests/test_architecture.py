"""The layers between the apps: the contract, the picture of it, and that both hold.

``[tool.importlinter]`` in ``pyproject.toml`` is the contract ``lint-imports``
checks in ``make lint``; ``docs/architecture.md`` draws it as a Mermaid chart,
one ``subgraph`` per layer from top to bottom. These tests keep the two the
same, make sure every app of the project is in a layer, and run the check.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [layers] = [c for c in config["contracts"] if c["type"] == "layers"]
    return {"root_packages": config["root_packages"], **layers}


def contract_layers() -> list[set[str]]:
    return [{name.strip() for name in layer.split("|")} for layer in contract()["layers"]]


def picture() -> tuple[list[tuple[str, set[str]]], list[str]]:
    """The chart's layers (id, apps) in order, and the chain its arrows draw."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    [chart] = re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)
    layers = [
        (layer_id, set(re.findall(r"^\s*(\w+)\s*$", body, flags=re.M)))
        for layer_id, body in re.findall(r"subgraph (\w+)\[.*?\]\n(.*?)\n\s*end", chart, re.S)
    ]
    chain: list[str] = []
    for line in chart.splitlines():
        if "-->" in line:
            ids = [part.strip() for part in line.split("-->")]
            chain.extend(ids if not chain else ids[1:] if chain[-1] == ids[0] else ["?", *ids])
    return layers, chain


def test_the_picture_shows_the_contracts_layers_in_order():
    layers, chain = picture()

    assert [apps_ for _id, apps_ in layers] == contract_layers()
    assert chain == [layer_id for layer_id, _apps in layers], "arrows from top to bottom"


def test_every_app_of_the_project_is_in_a_layer():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
    in_layers = set().union(*contract_layers())

    assert ours | {"selvhjelp"} == in_layers
    assert set(contract()["root_packages"]) == in_layers


def test_at_most_six_exceptions_each_with_a_reason():
    ignored = contract().get("ignore_imports", [])
    assert len(ignored) <= 6
    text = (ROOT / "pyproject.toml").read_text()
    for line in ignored:
        assert re.search(rf'"{re.escape(line)}",\s*#\s*\S', text), f"no reason given for {line}"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_apps_keep_the_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_notices_an_upward_import(tmp_path):
    """A copy of the project in which core imports groups breaks the contract."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for package in contract()["root_packages"]:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    (tmp_path / "core" / "upward.py").write_text("from groups.models import Group  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode == 1
    assert "core is not allowed to import groups" in result.stdout
    assert "core.upward -> groups.models" in result.stdout
