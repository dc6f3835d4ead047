from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from core import views as core_views
from organisations import views_audit, views_invitations

from .api import api

# Every login goes through allauth, so that staff pass the MFA step; the admin's
# own password-only form is never shown.
admin.site.login = core_views.admin_login  # type: ignore[method-assign]
admin.site.site_header = "Selvhjelp"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("hva-er-en-selvhjelpsgruppe/", core_views.about, name="about"),
    path("helse/", core_views.health, name="health"),
    path("sprak/", core_views.set_language, name="set_language"),
    path(
        "konto/invitasjon/<str:token>/",
        views_invitations.staff_invitation_accept,
        name="staff_invitation_accept",
    ),
    path("konto/signup/mobil/", accounts_views.signup_by_phone, name="account_signup_phone"),
    path("konto/", include("allauth.urls")),
    # Before "profil/" and "grupper/": the pledge pages live under both.
    path("", include("pledges.urls")),
    path("", include("joining.urls")),  # before "grupper/": pages inside a group
    path("", include("decisions.urls")),  # before "grupper/": proposals inside a group
    # Before "grupper/" and "profil/": meetings inside a group, reminder settings.
    path("", include("meetings.urls")),
    path("profil/", include("privacy.urls")),  # download your data, delete your account
    path("profil/", include("accounts.urls")),
    path("", include("directory.urls")),  # before "grupper/": reporting a change to a group
    # Before "grupper/" and "personale/": a group's questions and what staff see of them.
    path("", include("feedback.urls")),
    path("", include("board.urls")),
    path("", include("groups.urls")),
    path("interesse/", include("interest.urls")),
    path("personale/interesse/", include("interest.staff_urls")),
    path("personale/revisjon/", views_audit.audit_log, name="audit_log"),
    path("personale/statistikk/", include("monitoring.urls")),
    path("personale/", include("groups.staff_urls")),
    path("personale/", include("organisations.urls")),  # staff invitations
    path("personale/", include("directory.staff_urls")),  # the contact point's own entry
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
