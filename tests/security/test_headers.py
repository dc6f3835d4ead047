"""Content-Security-Policy with per-request nonces, and the production settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


PAGES = ["/", "/grupper/", "/konto/login/", "/konto/signup/", "/interesse/", "/helse/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_strict_policy(client, path):
    response = client.get(path)

    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
        assert "*" not in policy[directive]
    assert response["Referrer-Policy"] == "same-origin"
    assert "Permissions-Policy" in response


def test_the_nonce_is_new_for_every_request_and_matches_the_script_tag(client):
    nonces = []
    for _ in range(3):
        response = client.get("/")
        script_src = directives(response["Content-Security-Policy"])["script-src"]
        (nonce_source,) = [source for source in script_src if source.startswith("'nonce-")]
        nonce = nonce_source.removeprefix("'nonce-").removesuffix("'")
        assert len(nonce) >= 16
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_logged_in_pages_and_redirects_carry_the_policy(client):
    login(client, UserFactory())
    for name in ("accounts:profile", "groups:mine", "interest:mine", "joining:mine"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    client.logout()
    response = client.get(reverse("groups:mine"))
    assert response.status_code == 302
    assert "Content-Security-Policy" in response


def test_geolocation_only_on_the_finder(client):
    assert "geolocation=(self)" in client.get("/grupper/")["Permissions-Policy"]
    for path in ("/", "/konto/login/", "/interesse/"):
        assert "geolocation=()" in client.get(path)["Permissions-Policy"], path


def test_templates_have_no_inline_scripts_styles_or_handlers():
    """Designsystemet and static/js are external files; nothing inline may creep in."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template.name}: {tag}")
        if re.search(r"<style\b", text):
            offenders.append(f"{template.name}: <style>")
        if re.search(r"\sstyle=\"", text):
            offenders.append(f"{template.name}: style attribute")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{template.name}: inline event handler")
        if "javascript:" in text:
            offenders.append(f"{template.name}: javascript: URL")
    assert offenders == []


def _prod_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # Set by the browser tests for Playwright's event loop; no deployment has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="selvhjelp.settings.prod",
        SECRET_KEY="x" * 20 + "-production-like-secret-for-the-deploy-check-0123456789",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/selvhjelp",
        REDIS_URL="redis://127.0.0.1:6379/0",
        ALLOWED_HOSTS="selvhjelp.example",
    )
    env.update(extra)
    return env


def _prod_value(expression: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_prod_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_prod_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_one_proxy_is_trusted():
    values = _prod_value(
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
        " settings.LANGUAGE_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,"
        " settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.SECURE_SSL_REDIRECT"
    )
    assert values == "True True True True 1 True"
