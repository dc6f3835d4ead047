"""The interest pages, driven through real requests."""

from __future__ import annotations

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Group, GroupInvitation, Membership
from interest.models import InterestRegistration, QuorumAlert
from interest.services import interest_register
from tests.conftest import login
from tests.factories import StaffRoleFactory, UserFactory, give_totp


def waiting(roles, n: int, **kwargs):
    defaults = {"theme": roles.theme, "format": "in_person", "kommune": roles.kommune_a}
    return [interest_register(user=UserFactory(), **{**defaults, **kwargs}) for _ in range(n)]


def test_register_form_puts_me_on_the_list(roles, role_client):
    client = role_client("seeker")
    assert client.get(reverse("interest:register")).status_code == 200
    response = client.post(
        reverse("interest:register"),
        {
            "theme": roles.theme.slug,
            "format": "in_person",
            "place": "Alfakommune",
            "radius_km": "25",
            "contact_by": "email",
        },
    )
    assert response.status_code == 302
    registration = InterestRegistration.objects.get(user=roles.user("seeker"))
    assert registration.kommune == roles.kommune_a

    page = client.get(reverse("interest:mine")).content.decode()
    assert roles.theme.name_nb in page
    assert reverse("interest:withdraw", args=[registration.pk]) in page


def test_register_form_errors(roles, role_client):
    client = role_client("seeker")
    response = client.post(
        reverse("interest:register"),
        {
            "theme": roles.theme.slug,
            "format": "in_person",
            "place": "",
            "radius_km": "25",
            "contact_by": "sms",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"place", "contact_by"}
    assert not InterestRegistration.objects.exists()


def test_duplicate_shows_a_message_not_an_error_page(roles, role_client):
    waiting_one = interest_register(
        user=roles.user("seeker"), theme=roles.theme, format="digital", kommune=None
    )
    response = role_client("seeker").post(
        reverse("interest:register"),
        {"theme": roles.theme.slug, "format": "digital", "radius_km": "25", "contact_by": "email"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert InterestRegistration.objects.get() == waiting_one


def test_withdraw_is_one_post_and_only_my_own(roles, role_client):
    registration = waiting(roles, 1)[0]
    url = reverse("interest:withdraw", args=[registration.pk])
    assert role_client("seeker").post(url).status_code == 404
    assert role_client("seeker").get(url).status_code == 405
    from django.test import Client

    owner = login(Client(), registration.user)
    assert owner.post(url).status_code == 302
    assert owner.post(url).status_code == 302  # idempotent
    registration.refresh_from_db()
    assert registration.withdrawn_at is not None


def test_my_page_queries_do_not_grow_with_registrations(roles, role_client):
    client = role_client("seeker")
    seeker = roles.user("seeker")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("interest:mine")).status_code == 200
        return len(ctx)

    interest_register(user=seeker, theme=roles.theme, format="in_person", kommune=roles.kommune_a)
    one = queries()
    interest_register(user=seeker, theme=roles.theme, format="digital", kommune=None)
    interest_register(user=seeker, theme=roles.theme, format="in_person", kommune=roles.kommune_b)
    assert queries() == one


def test_staff_counts_page_shows_numbers_only(
    roles, role_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        people = waiting(roles, 4)
    response = role_client("contact_point_staff").get(
        reverse("interest_staff:overview", kwargs={"slug": roles.cp_a.slug})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert roles.theme.name_nb in html
    assert ">4<" in html
    for person in people:
        assert person.user.email not in html
        assert person.user.display_name not in html
    assert "@" not in html.split("<main", 1)[1]


def test_other_contact_points_staff_get_404(roles):
    from django.test import Client

    staff_b = UserFactory()
    StaffRoleFactory(user=staff_b, contact_point=roles.cp_b)
    give_totp(staff_b)
    client = login(Client(), staff_b, mfa=True)
    overview = reverse("interest_staff:overview", kwargs={"slug": roles.cp_a.slug})
    start = reverse(
        "interest_staff:start_group",
        kwargs={"slug": roles.cp_a.slug, "theme": roles.theme.slug, "format": "digital"},
    )
    assert client.get(overview).status_code == 404
    assert client.get(start).status_code == 404
    assert (
        client.post(start, {"name": "X", "weekday": "1", "start_time": "18:00"}).status_code == 404
    )
    own = reverse("interest_staff:overview", kwargs={"slug": roles.cp_b.slug})
    assert client.get(own).status_code == 200
    # The index goes straight to one's only contact point.
    assert client.get(reverse("interest_staff:home"))["Location"] == own


def test_start_group_from_an_alert_invites_in_one_step(
    roles, role_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        people = waiting(roles, 4)
    alert = QuorumAlert.objects.get()
    assert alert.contact_point == roles.cp_a
    mail.outbox.clear()
    url = reverse(
        "interest_staff:start_group",
        kwargs={"slug": roles.cp_a.slug, "theme": roles.theme.slug, "format": "in_person"},
    )
    query = f"?alert={alert.pk}&kommune={roles.kommune_a.number}"
    client = role_client("contact_point_staff")
    page = client.get(url + query)
    assert page.status_code == 200
    for person in people:
        assert person.user.email not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url + query,
            {"group": "", "name": "Torsdagsgruppa", "weekday": "3", "start_time": "18:00"},
        )
    assert response.status_code == 302
    group = Group.objects.get(name="Torsdagsgruppa")
    assert group.state == Group.State.FORMING
    assert GroupInvitation.objects.filter(group=group).count() == 4
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert roles.theme.name_nb not in message.subject
        assert roles.theme.name_en not in message.subject

    # The invitee accepts from their own page.
    invitation = GroupInvitation.objects.filter(group=group).first()
    from django.test import Client

    invitee = login(Client(), invitation.user)
    assert group.name in invitee.get(reverse("interest:mine")).content.decode()
    answer = reverse("interest:invitation_respond", args=[invitation.pk])
    assert invitee.post(answer, {"answer": "accept"}).status_code == 302
    assert Membership.objects.active().filter(group=group, user=invitation.user).exists()
    group.refresh_from_db()
    assert group.member_count == 1
    # Someone else's invitation: 404.
    assert role_client("seeker").post(answer, {"answer": "accept"}).status_code == 404


def test_someone_with_only_a_mobile_number_is_contacted_by_text(roles, client):
    user = UserFactory(email=None, phone="+4791234567", phone_verified=True, verified=False)
    client.force_login(user)
    form = client.get(reverse("interest:register")).context["form"]
    assert form["contact_by"].value() == "sms"
    data = {
        "theme": roles.theme.slug,
        "format": "in_person",
        "place": "Alfakommune",
        "radius_km": "25",
        "contact_by": "email",
    }

    response = client.post(reverse("interest:register"), data)

    assert response.context["form"].errors.keys() == {"contact_by"}
    response = client.post(reverse("interest:register"), {**data, "contact_by": "sms"})
    assert response.status_code == 302
    assert InterestRegistration.objects.get(user=user).contact_by == "sms"
