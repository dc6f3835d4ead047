"""Public plumbing: security headers, the health check, and the admin's login."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.models import Heartbeat
from tests.conftest import login
from tests.factories import UserFactory, give_totp

# --- Security headers ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "geolocation"),
    [
        ("/", "geolocation=()"),
        ("/konto/login/", "geolocation=()"),
        ("/helse/", "geolocation=()"),
        # The group finder asks for the visitor's position (only) when they press "near me".
        ("/grupper/", "geolocation=(self)"),
    ],
)
def test_security_headers_on_public_pages(client, path, geolocation):
    response = client.get(path)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    policy = response["Permissions-Policy"]
    assert geolocation in policy.split(", ")
    assert "camera=()" in policy
    assert "interest-cohort=()" in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_admin_keeps_the_permissions_policy_but_has_no_csp(client):
    # Django's admin relies on inline scripts; its pages are for staff only.
    response = client.get("/admin/")
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "Content-Security-Policy" not in response
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_redirects_carry_the_headers_too(client):
    response = client.get(reverse("groups:mine"))
    assert response.status_code == 302
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/grupper/"])
def test_a_first_visit_starts_no_session(client, path):
    # A seeker's first visit tracks nothing. (The language switcher's form
    # does set Django's CSRF cookie; see the report on the permission matrix.)
    response = client.get(path)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


# --- Health -------------------------------------------------------------------


@pytest.mark.django_db
def test_health_without_a_worker_heartbeat(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "unknown"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(("age_minutes", "state"), [(1, "ok"), (10, "stale")])
def test_health_reports_the_worker_heartbeat(client, age_minutes, state):
    Heartbeat.objects.create(
        component="worker", last_seen=timezone.now() - datetime.timedelta(minutes=age_minutes)
    )
    response = client.get(reverse("health"))
    assert response.json()["worker"] == state


@pytest.mark.django_db
def test_health_answers_get_only(client):
    assert client.post(reverse("health")).status_code == 405


# --- Admin login goes through allauth ---------------------------------------


@pytest.mark.django_db
def test_admin_sends_anonymous_visitors_to_the_allauth_login(client):
    response = client.get("/admin/groups/group/", follow=True)

    chain = [url for url, _ in response.redirect_chain]
    assert chain == [
        "/admin/login/?next=/admin/groups/group/",
        "/konto/login/?next=/admin/groups/group/",
    ]
    assert response.status_code == 200
    names = {t.name for t in response.templates}
    assert "account/login.html" in names
    assert not any(name.startswith("admin/") for name in names)


@pytest.mark.django_db
def test_admin_password_form_never_renders(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=/admin/"


@pytest.mark.django_db
def test_posting_correct_credentials_to_the_admin_login_does_not_log_in(client):
    UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "admin@example.org", "password": "correct horse battery"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_answers_404_to_logged_in_non_staff(client):
    login(client, UserFactory())
    assert client.get(reverse("admin:login")).status_code == 404
    # …and the admin itself sends them there.
    assert client.get("/admin/", follow=True).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:/evil.example/",
        "javascript:alert(1)",
    ],
)
def test_admin_login_ignores_off_site_next(client, next_url):
    response = client.get(reverse("admin:login"), {"next": next_url})
    assert response["Location"] == "/konto/login/?next=/admin/"

    admin = UserFactory(is_staff=True, is_superuser=True)
    give_totp(admin)
    login(client, admin, mfa=True)
    response = client.get(reverse("admin:login"), {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_admin_login_keeps_a_local_next(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/groups/"})
    assert response["Location"] == "/konto/login/?next=/admin/groups/"


@pytest.mark.django_db
def test_allauth_login_ignores_off_site_next(client):
    UserFactory(email="kari@example.org")

    response = client.post(
        "/konto/login/?next=https://evil.example/",
        {"login": "kari@example.org", "password": "correct horse battery"},
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == reverse("accounts:profile")
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/", 200),
        ("get", "/grupper/", 200),
        ("get", "/konto/login/", 200),
        ("get", "/finnes-ikke/", 404),
        ("post", "/helse/", 405),
        ("get", "/grupper/?q=%00", 400),
    ],
)
def test_help_is_in_the_same_place_on_every_page(client, method, path, status):
    """WCAG 2.2, 3.2.6: «Need help now?» closes every page, both layouts included."""
    response = getattr(client, method)(path)
    assert response.status_code == status
    page = response.content.decode()
    footer = page.index('<footer class="site-footer">')
    assert page.index('class="site-footer__help"') > footer > page.index("</main>")
    assert 'href="tel:113"' in page[footer:] and 'href="tel:116123"' in page[footer:]


def _nav(html: str) -> str:
    return html[html.index('<nav class="site-nav"') : html.index("</nav>")]


@pytest.mark.django_db
def test_the_menu_kept_for_visitors_marks_the_page_and_speaks_its_language(client):
    finder = _nav(client.get("/grupper/").content.decode())
    login_page = _nav(client.get(reverse("account_login")).content.decode())
    finder_again = _nav(client.get("/grupper/").content.decode())
    english = _nav(client.get("/grupper/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert finder == finder_again
    assert 'href="/grupper/" aria-current="page"' in finder
    assert 'aria-current="page">Logg inn' in login_page
    assert 'aria-current="page">Logg inn' not in finder
    assert "Log in" in english and "Logg inn" in finder


@pytest.mark.django_db
def test_a_member_never_gets_the_visitors_menu(client):
    client.get("/grupper/")  # the visitors' menu is kept
    login(client, UserFactory())
    nav = _nav(client.get("/grupper/").content.decode())
    assert "Logg ut" in nav and "csrfmiddlewaretoken" in nav
    assert "Logg inn" not in nav
    client.logout()
    assert "Logg inn" in _nav(client.get("/grupper/").content.decode())
