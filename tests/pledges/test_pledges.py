"""Signing the confidentiality pledge and the gate in front of every group page."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from core.models import AuditEvent
from groups import urls as group_urls
from groups.models import Membership
from joining.models import GroupNotice
from pledges import services
from pledges.models import GroupPledgeLines, PledgeSignature
from tests.factories import MembershipFactory, PledgeFactory, current_pledge

pytestmark = pytest.mark.django_db


def sign_url(group):
    return group.inside_url("pledges:sign")


def post_sign(client, group, *, name, version=None, revision=0, promise=True):
    data = {
        "pledge_version": version or current_pledge().version,
        "lines_revision": revision,
        "typed_name": name,
    }
    if promise:
        data["promise"] = "on"
    return client.post(sign_url(group), data)


def unsigned(roles):
    user = roles.user("member_unsigned")
    return user, Membership.objects.get(group=roles.group, user=user)


def test_sign_opens_the_group(roles, role_client):
    client = role_client("member_unsigned")
    user, membership = unsigned(roles)
    inside = roles.group.inside_url("groups:inside")
    assert client.get(inside)["Location"] == sign_url(roles.group)

    page = client.get(sign_url(roles.group)).content.decode()
    assert current_pledge().text_nb.splitlines()[0] in page
    assert roles.group.place not in page
    assert roles.user("member").display_name not in page

    response = post_sign(client, roles.group, name=f"  {user.display_name.upper()} ")
    assert response["Location"] == inside
    signature = PledgeSignature.objects.get(membership=membership)
    assert signature.typed_name == user.display_name.upper()
    assert GroupNotice.objects.filter(membership=membership, kind=GroupNotice.Kind.SIGNED).exists()
    event = AuditEvent.objects.get(event=AuditEvent.Event.PLEDGE_SIGNED)
    assert user.display_name not in str(event.data)
    assert client.get(inside).status_code == 200


def test_wrong_name_or_no_promise_saves_nothing(roles, role_client):
    client = role_client("member_unsigned")
    user, membership = unsigned(roles)
    response = post_sign(client, roles.group, name="Someone Else")
    assert response.status_code == 200
    assert "Skriv visningsnavnet ditt nøyaktig" in response.content.decode()
    response = post_sign(client, roles.group, name=user.display_name, promise=False)
    assert response.status_code == 200
    assert not PledgeSignature.objects.filter(membership=membership).exists()


def test_outdated_version_shows_the_new_text_and_saves_nothing(roles, role_client):
    client = role_client("member_unsigned")
    user, membership = unsigned(roles)
    old = current_pledge()
    new = PledgeFactory(version=old.version + 1, text_nb="Ny tekst om taushet.")
    response = post_sign(client, roles.group, name=user.display_name, version=old.version)
    content = response.content.decode()
    assert response.status_code == 200
    assert "ble endret mens du leste den" in content
    assert "Ny tekst om taushet." in content
    assert f'value="{new.version}"' in content
    assert not PledgeSignature.objects.filter(membership=membership).exists()

    response = post_sign(client, roles.group, name=user.display_name, revision=1)
    assert not PledgeSignature.objects.filter(membership=membership).exists()


def test_double_submit_makes_one_signature(roles, role_client):
    client = role_client("member_unsigned")
    user, membership = unsigned(roles)
    post_sign(client, roles.group, name=user.display_name)
    post_sign(client, roles.group, name=user.display_name)
    services.pledge_sign(
        membership=membership,
        pledge_version=current_pledge().version,
        lines_revision=0,
        typed_name=user.display_name,
    )
    assert PledgeSignature.objects.filter(membership=membership).count() == 1
    assert GroupNotice.objects.filter(membership=membership).count() == 1


def test_a_new_version_closes_the_group_until_signed_again(roles, role_client):
    client = role_client("member")
    inside = roles.group.inside_url("groups:inside")
    assert client.get(inside).status_code == 200
    new = PledgeFactory(version=current_pledge().version + 1)
    response = client.get(inside)
    assert response.status_code == 302 and response["Location"] == sign_url(roles.group)
    post_sign(client, roles.group, name=roles.user("member").display_name, version=new.version)
    assert client.get(inside).status_code == 200


def test_a_draft_version_changes_nothing(roles, role_client):
    PledgeFactory(version=current_pledge().version + 1, published_at=None)
    inside = roles.group.inside_url("groups:inside")
    assert role_client("member").get(inside).status_code == 200


def test_group_lines_edit_bumps_the_revision_and_everyone_signs_again(roles, role_client):
    client = role_client("member")
    url = roles.group.inside_url("pledges:group_lines")
    response = client.post(url, {"text": "Vi møter presis."})
    assert response["Location"] == sign_url(roles.group)
    lines = GroupPledgeLines.objects.get(group=roles.group)
    assert lines.revision == 1
    assert AuditEvent.objects.filter(event=AuditEvent.Event.PLEDGE_GROUP_LINES_CHANGED).count() == 1
    inside = roles.group.inside_url("groups:inside")
    for role in ("member", "initiator"):
        assert role_client(role).get(inside).status_code == 302
    assert "Vi møter presis." in client.get(sign_url(roles.group)).content.decode()
    post_sign(client, roles.group, name=roles.user("member").display_name, revision=1)
    assert client.get(inside).status_code == 200
    # The lines are behind the gate: an unsigned member cannot change them.
    response = role_client("member_unsigned").post(url, {"text": "Noe annet"})
    assert response["Location"] == sign_url(roles.group)
    assert GroupPledgeLines.objects.get(group=roles.group).revision == 1


def test_no_published_pledge_keeps_every_group_closed(roles, role_client):
    from pledges.models import Pledge

    Pledge.objects.update(published_at=None)
    client = role_client("member")
    inside = roles.group.inside_url("groups:inside")
    assert client.get(inside)["Location"] == sign_url(roles.group)
    page = client.get(sign_url(roles.group)).content.decode()
    assert "Ingen taushetserklæring er publisert ennå" in page


@pytest.mark.parametrize("role", ["seeker", "former_member", "contact_point_staff"])
def test_non_members_get_404_on_the_sign_page(roles, role_client, role):
    assert role_client(role).get(sign_url(roles.group)).status_code == 404


def test_stepped_back_initiator_gets_404(roles, client):
    from tests.conftest import login

    membership = MembershipFactory(
        group=roles.group,
        role=Membership.Role.INITIATOR,
        status=Membership.Status.STEPPED_BACK,
        ended_at=timezone.now(),
        pledge_signed=True,
    )
    login(client, membership.user)
    assert client.get(sign_url(roles.group)).status_code == 404
    assert client.get(roles.group.inside_url("groups:inside")).status_code == 404


INSIDE_PATTERNS = [
    p
    for p in group_urls.urlpatterns
    if isinstance(p, URLPattern) and str(p.pattern).startswith("inne/")
]


@pytest.mark.parametrize("pattern", INSIDE_PATTERNS, ids=lambda p: p.name)
def test_the_gate_is_on_every_inside_url(roles, role_client, pattern):
    kwargs = {"token": roles.group.inside_token}
    if "<str:action>" in str(pattern.pattern):
        kwargs["action"] = "pause"
    url = reverse(f"groups:{pattern.name}", kwargs=kwargs)
    client = role_client("member_unsigned")
    answers = [client.get(url), client.post(url, {"hosts": "on"})]
    assert {r.status_code for r in answers} <= {302, 405}
    assert any(r.status_code == 302 for r in answers)
    for r in answers:
        if r.status_code == 302:
            assert r["Location"] == sign_url(roles.group)
    assert not AuditEvent.objects.exclude(event="matrix.example").exists()


def test_member_list_marks_who_signed(roles, role_client):
    page = role_client("member").get(roles.group.inside_url("groups:inside"))
    content = page.content.decode()
    assert "Ulrik Usignert" in content
    assert (
        content.count('data-color="success">signert') + content.count('data-color="success">signed')
        == 3
    )
    assert roles.user("member").email not in content


def test_my_signatures_lists_group_version_and_time(roles, role_client):
    content = role_client("member").get(reverse("pledges:mine")).content.decode()
    assert roles.group.name in content and roles.digital_group.name in content
    profile = role_client("member").get(reverse("accounts:profile")).content.decode()
    assert reverse("pledges:mine") in profile


def test_outdated_version_wins_over_a_missing_tick(roles, role_client):
    client = role_client("member_unsigned")
    user, membership = unsigned(roles)
    old = current_pledge()
    PledgeFactory(version=old.version + 1)
    response = post_sign(
        client, roles.group, name=user.display_name, version=old.version, promise=False
    )
    assert "ble endret mens du leste den" in response.content.decode()
    assert not PledgeSignature.objects.filter(membership=membership).exists()
