from django.urls import path

from . import views_invitations

app_name = "organisations"

# Mounted under /personale/ beside the staff area's pages (``groups.staff_urls``);
# the accept link lives outside the staff area (see ``selvhjelp/urls.py``).
urlpatterns = [
    path(
        "kontaktpunkt/<slug:slug>/invitasjoner/",
        views_invitations.staff_invitations,
        name="staff_invitations",
    ),
]
