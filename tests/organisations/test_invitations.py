"""Staff invitations: scope, the e-mail, and accepting once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditEvent
from organisations.models import StaffInvitation, StaffRole
from tests.factories import UserFactory


def invite(client, cp, email="ny.ansatt@example.org", kind="contact_point_staff"):
    return client.post(
        reverse("organisations:staff_invitations", args=[cp.slug]),
        {"email": email, "kind": kind},
    )


def test_district_staff_invite_contact_point_staff_with_a_neutral_email(
    roles, role_client, django_capture_on_commit_callbacks
):
    client = role_client("district_staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, roles.cp_a)
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get()
    assert invitation.kind == "contact_point_staff" and invitation.contact_point == roles.cp_a
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.ansatt@example.org"]
    assert message.subject in {"Selvhjelp: invitasjon", "Selvhjelp: invitation"}
    assert roles.cp_a.name not in message.subject
    assert f"/konto/invitasjon/{invitation.token}/" in message.body
    # The pending list shows it.
    page = client.get(reverse("organisations:staff_invitations", args=[roles.cp_a.slug]))
    assert "ny.ansatt@example.org" in page.content.decode()


def test_the_email_task_sends_once(roles, role_client, django_capture_on_commit_callbacks):
    from notifications.models import OutgoingMessage
    from notifications.tasks import send_batch

    with django_capture_on_commit_callbacks(execute=True):
        invite(role_client("district_staff"), roles.cp_a)
    send_batch(list(OutgoingMessage.objects.values_list("pk", flat=True)))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [StaffInvitation.objects.get().email]


def test_district_staff_of_another_district_get_404(roles, role_client):
    client = role_client("district_staff_other")
    url = reverse("organisations:staff_invitations", args=[roles.cp_a.slug])
    assert client.get(url).status_code == 404
    assert invite(client, roles.cp_a).status_code == 404
    assert not StaffInvitation.objects.exists()


def test_contact_point_staff_invite_initiators_only(roles, role_client):
    client = role_client("contact_point_staff")
    response = invite(client, roles.cp_a, kind="contact_point_staff")
    assert response.status_code == 200  # not a choice for them
    assert not StaffInvitation.objects.exists()
    assert invite(client, roles.cp_a, kind="initiator").status_code == 302
    assert StaffInvitation.objects.get().kind == "initiator"
    url = reverse("organisations:staff_invitations", args=[roles.cp_b.slug])
    assert client.get(url).status_code == 404


@pytest.fixture
def invitation(roles, role_client):
    invite(role_client("district_staff"), roles.cp_a)
    return StaffInvitation.objects.get()


def accept_url(invitation):
    return reverse("staff_invitation_accept", args=[invitation.token])


def test_accept_needs_login(invitation, client):
    response = client.get(accept_url(invitation))
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")


def test_accept_with_another_email_shows_a_message(invitation, role_client):
    client = role_client("seeker")
    response = client.post(accept_url(invitation))
    assert response.status_code == 200
    assert b"another e-mail address" in response.content or "annen e-post" in (
        response.content.decode()
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not StaffRole.objects.filter(user__email="seeker@example.org").exists()


def test_accept_grants_exactly_one_role_and_then_the_link_is_gone(invitation, client):
    from tests.conftest import login

    user = UserFactory(email="ny.ansatt@example.org")
    login(client, user)
    assert client.get(accept_url(invitation)).status_code == 200
    response = client.post(accept_url(invitation))
    assert response.status_code == 302 and response["Location"] == "/personale/"
    roles = StaffRole.objects.filter(user=user)
    assert [(r.kind, r.contact_point_id) for r in roles] == [
        ("contact_point_staff", invitation.contact_point_id)
    ]
    assert (
        AuditEvent.objects.filter(
            event=AuditEvent.Event.ROLE_GRANTED, target_id=str(roles[0].pk)
        ).count()
        == 1
    )
    # The staff area now asks for a second factor.
    assert client.get("/personale/")["Location"].startswith("/konto/2fa/totp/activate/")
    assert client.post(accept_url(invitation)).status_code == 404
    assert StaffRole.objects.filter(user=user).count() == 1


def test_unknown_and_expired_tokens_are_404(invitation, role_client):
    client = role_client("seeker")
    assert client.get("/konto/invitasjon/finnes-ikke/").status_code == 404
    StaffInvitation.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert client.get(accept_url(invitation)).status_code == 404
