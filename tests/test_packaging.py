"""The wheel holds every local app: built, unpacked and imported away from the checkout.

``pip wheel`` builds from a copy of the checkout (so no stale ``build/`` can
add or hide a file), without build isolation, so the test needs no network:
the setuptools of the dev extras must satisfy ``[build-system] requires``,
which the first test checks. A second Python then imports every local app in
``INSTALLED_APPS`` and every module under it, plus the project package, with
only the unpacked wheel and the virtualenv's site-packages on ``sys.path``
(``-S``: no ``.pth`` files, so the editable install cannot reach the checkout)
and a working directory outside it.

Templates, static files and translations are not package data: they stay at
the project root, read through ``BASE_DIR`` (docs/decisions.md).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement

pytestmark = pytest.mark.wheel

REPO = Path(__file__).resolve().parent.parent
PROJECT = settings.ROOT_URLCONF.split(".")[0]  # settings, URLs, Celery app, WSGI
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "var",
    "staticfiles",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "node_modules",
    "test-results",
)
NOT_SHIPPED = {"README.md"}  # an app's notes for the people who change it

CHILD = r"""
import importlib, json, os, pkgutil, sys

wheel_root, checkout, project, settings_module = sys.argv[1:5]
names = json.loads(sys.argv[5])
for entry in sys.path:
    assert os.path.realpath(entry or os.getcwd()) != checkout, f"checkout on sys.path: {entry}"

import django

django.setup()


def fail(name):
    raise ImportError(f"cannot import {name}")


modules = []
for name in [*names, project]:
    package = importlib.import_module(name)
    modules.append(package)
    for info in pkgutil.walk_packages(package.__path__, f"{name}.", onerror=fail):
        if info.name.startswith(f"{project}.settings.") and info.name != settings_module:
            continue  # production settings stop without their environment, by design
        modules.append(importlib.import_module(info.name))
elsewhere = [m.__name__ for m in modules if not os.path.realpath(m.__file__).startswith(wheel_root)]
assert not elsewhere, f"imported from outside the wheel: {elsewhere}"
print(json.dumps(sorted(m.__name__ for m in modules)))
"""


def local_apps() -> list[str]:
    """Entries of ``INSTALLED_APPS`` whose code lives in this repository."""
    found = []
    for name in settings.INSTALLED_APPS:
        spec = importlib.util.find_spec(name)
        top = REPO / name.split(".")[0]
        if spec is not None and spec.origin and Path(spec.origin).is_relative_to(top):
            found.append(name)
    return found


def shipped_files(package: str) -> set[str]:
    """Every file of a package in the checkout, as the wheel names it."""
    root = REPO / package
    return {
        path.relative_to(REPO).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.name not in NOT_SHIPPED
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel, unpacked, and pip's output while building it."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=NOT_COPIED)
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--verbose",
            "--wheel-dir",
            str(work / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=work,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (built,) = (work / "dist").glob("selvhjelp-*.whl")
    unpacked = work / "site"
    with zipfile.ZipFile(built) as archive:
        archive.extractall(unpacked)
    return unpacked, build.stdout + build.stderr


def test_the_build_requirement_is_what_the_test_builds_with():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    for line in pyproject["build-system"]["requires"]:
        requirement = Requirement(line)
        installed = importlib.metadata.version(requirement.name)
        assert requirement.specifier.contains(installed), (line, installed)


def test_the_wheel_holds_every_local_app_and_nothing_else(wheel):
    unpacked, _ = wheel
    apps = {name.split(".")[0] for name in local_apps()}
    assert "monitoring" in apps
    top = {p.name for p in unpacked.iterdir() if not p.name.endswith(".dist-info")}
    assert top == apps | {PROJECT}
    in_wheel = {
        path.relative_to(unpacked).as_posix() for path in unpacked.rglob("*") if path.is_file()
    }
    for package in sorted(top):
        missing = shipped_files(package) - in_wheel
        assert not missing, f"{package}: not in the wheel: {sorted(missing)}"


def test_the_wheel_names_its_licence_by_spdx(wheel):
    unpacked, output = wheel
    (metadata,) = unpacked.glob("*.dist-info/METADATA")
    assert "License-Expression: AGPL-3.0-or-later" in metadata.read_text().splitlines()
    assert "SetuptoolsDeprecationWarning" not in output


def test_every_local_app_imports_from_the_wheel_outside_the_checkout(wheel, tmp_path):
    unpacked, _ = wheel
    paths = sysconfig.get_paths()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    settings_module = f"{PROJECT}.settings.base"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(unpacked), paths["purelib"], paths["platlib"]]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SELVHJELP_VAR_DIR": str(tmp_path / "var"),
    }
    apps = local_apps()
    result = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            CHILD,
            os.path.realpath(unpacked) + os.sep,
            os.path.realpath(REPO),
            PROJECT,
            settings_module,
            json.dumps(apps),
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout)
    for name in [*apps, f"{PROJECT}.urls", f"{PROJECT}.celery", "monitoring.views"]:
        assert name in imported
    assert len(imported) > 150
