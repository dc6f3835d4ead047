"""Staff invitations, mounted inside the ``organisations`` namespace under /personale/.

The accept link lives outside the staff area (see ``selvhjelp/urls.py``).
"""

from django.urls import path

from . import views_invitations

urlpatterns = [
    path(
        "kontaktpunkt/<slug:slug>/invitasjoner/",
        views_invitations.staff_invitations,
        name="staff_invitations",
    ),
]
