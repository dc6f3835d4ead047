"""Anonymous feedback: who is asked, what is stored, and who sees what."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from feedback import selectors
from feedback.models import Answer, Answered, PendingAnswer
from groups.models import Group, Membership
from meetings.models import Absence, Meeting
from organisations.models import StaffRole
from tests.conftest import login
from tests.factories import (
    ContactPointFactory,
    DistrictFactory,
    FylkeFactory,
    GroupFactory,
    KommuneFactory,
    MembershipFactory,
    StaffRoleFactory,
    UserFactory,
    give_totp,
)

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
JOINED = datetime.datetime(2026, 1, 5, 12, 0, tzinfo=OSLO)
NOW = datetime.datetime(2026, 3, 17, 12, 0, tzinfo=OSLO)


def hold_meetings(group: Group, count: int, *, first: datetime.datetime = JOINED) -> list[Meeting]:
    """``count`` weekly meetings after ``first``, each over and with the head count recorded."""
    meetings = []
    for week in range(count):
        starts = first + datetime.timedelta(days=1 + 7 * week, hours=6)
        meetings.append(
            Meeting.objects.create(
                group=group,
                occurrence=starts,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                attendance=5,
                attendance_recorded_at=starts + datetime.timedelta(hours=2),
            )
        )
    return meetings


def a_group(members: int = 3):
    district = DistrictFactory()
    kommune = KommuneFactory(fylke=FylkeFactory(district=district))
    contact_point = ContactPointFactory(kommune=kommune)
    group = GroupFactory(state=Group.State.SELF_RUN, contact_point=contact_point)
    memberships = [
        MembershipFactory(group=group, joined_at=JOINED, pledge_signed=True) for _ in range(members)
    ]
    return group, memberships, district


def answer(client, group, **data):
    return client.post(group.inside_url("feedback:answer"), data)


@time_machine.travel(NOW, tick=False)
def test_a_member_is_asked_after_their_fifth_meeting_not_counting_absences_or_cancelled():
    group, [membership, *_], _district = a_group(1)
    meetings = hold_meetings(group, 5)
    Absence.objects.create(meeting=meetings[0], membership=membership)
    assert selectors.open_occasion(membership=membership) is None

    sixth = hold_meetings(group, 1, first=JOINED + datetime.timedelta(days=35))[0]
    assert selectors.open_occasion(membership=membership) == "fifth_meeting"

    sixth.cancelled_at = NOW
    sixth.save()
    assert selectors.open_occasion(membership=membership) is None


@time_machine.travel(NOW, tick=False)
def test_meetings_before_joining_and_initiators_do_not_count():
    group, [membership], _district = a_group(1)
    hold_meetings(group, 5, first=JOINED - datetime.timedelta(days=60))
    assert selectors.open_occasion(membership=membership) is None

    initiator = MembershipFactory(group=group, joined_at=JOINED, role=Membership.Role.INITIATOR)
    hold_meetings(group, 5)
    assert selectors.open_occasion(membership=membership) == "fifth_meeting"
    assert selectors.open_occasion(membership=initiator) is None


@time_machine.travel(NOW, tick=False)
def test_an_answer_keeps_the_group_and_month_only_and_the_marker_no_answer(client):
    group, [membership], _district = a_group(1)
    hold_meetings(group, 5)
    login(client, membership.user)
    inside = client.get(group.inside_url())
    assert group.inside_url("feedback:answer") in inside.content.decode()

    response = answer(client, group, works="4", safe="partly", text="  Fint   å være med  ")

    assert response.status_code == 302
    # Waiting for March to end; nothing is filed while the month runs.
    assert not Answer.objects.exists()
    stored = PendingAnswer.objects.get()
    assert (stored.group, stored.month, stored.works, stored.safe, stored.text) == (
        group,
        datetime.date(2026, 3, 1),
        4,
        "partly",
        "Fint å være med",
    )
    for model in (Answer, PendingAnswer):
        assert {f.name for f in model._meta.concrete_fields} == {
            "id",
            "group",
            "month",
            "works",
            "safe",
            "text",
        }
    assert list(Answered.objects.values_list("membership", "occasion")) == [
        (membership.pk, "fifth_meeting")
    ]
    assert {f.name for f in Answered._meta.concrete_fields} == {"id", "membership", "occasion"}
    # Once per occasion: the invitation is gone, the page says so, and a second
    # post is refused with a message and stores nothing.
    inside = client.get(group.inside_url())
    assert group.inside_url("feedback:answer") not in inside.content.decode()
    again = client.get(group.inside_url("feedback:answer"), follow=True)
    assert again.redirect_chain == [(group.inside_url(), 302)]
    assert "You have already had these questions" in again.content.decode() or (
        "Du har allerede fått disse spørsmålene" in again.content.decode()
    )
    assert answer(client, group, works="1", safe="no")["Location"] == group.inside_url()
    assert PendingAnswer.objects.count() == 1 and Answered.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_no_thanks_stores_the_marker_and_nothing_else(client):
    group, [membership], _district = a_group(1)
    hold_meetings(group, 5)
    login(client, membership.user)

    response = answer(client, group, decline="1")

    assert response.status_code == 302
    assert not Answer.objects.exists() and not PendingAnswer.objects.exists()
    assert Answered.objects.filter(membership=membership).exists()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "data",
    [
        {"works": "9", "safe": "yes"},
        {"works": "abc", "safe": "yes"},
        {"works": "3", "safe": "maybe"},
        {"works": "3"},
        {"works": "3", "safe": "yes", "text": "x" * 301},
        {"works": "3", "safe": "yes", "text": "a\x00b"},
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(client, data):
    group, [membership], _district = a_group(1)
    hold_meetings(group, 5)
    login(client, membership.user)

    response = answer(client, group, **data)

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "error-summary" in response.content.decode()
    assert not PendingAnswer.objects.exists() and not Answered.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_leaving_sends_the_member_to_the_questions_for_thirty_days(client):
    group, [membership], _district = a_group(1)
    login(client, membership.user)

    response = client.post(group.inside_url("joining:leave"))

    url = group.inside_url("feedback:answer")
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(days=31), tick=False):
        login(client, membership.user)
        assert client.get(url).status_code == 404
    login(client, membership.user)
    answer(client, group, works="2", safe="no")
    assert Answered.objects.get().occasion == "leaving"


@time_machine.travel(NOW, tick=False)
def test_someone_who_never_answers_leaves_for_their_list_of_groups(client):
    group, [membership], _district = a_group(1)
    Answered.objects.create(membership=membership, occasion="leaving")
    login(client, membership.user)

    response = client.post(group.inside_url("joining:leave"))

    assert response["Location"] == reverse("groups:mine")


def give_answers(group, texts, month=datetime.date(2026, 3, 1)):
    for text in texts:
        Answer.objects.create(group=group, month=month, works=4, safe="yes", text=text)


FEBRUARY = datetime.date(2026, 2, 1)
MARCH = datetime.date(2026, 3, 1)


@time_machine.travel(NOW, tick=False)
def test_the_contact_point_reads_the_lines_of_months_over_from_three_answers(client):
    group, _memberships, _district = a_group(0)
    staff = UserFactory()
    give_totp(staff)
    StaffRoleFactory(user=staff, contact_point=group.contact_point)
    login(client, staff, mfa=True)
    url = reverse("feedback:contact_point", kwargs={"slug": group.contact_point.slug})
    give_answers(group, ["Trygt og godt", "Savner mer struktur"], month=FEBRUARY)

    # Two answers from February are no batch yet: nothing shows, not even "<3".
    response = client.get(url)
    page = response.content.decode()
    assert response.context["rows"] == []
    assert "Trygt og godt" not in page and "Savner mer struktur" not in page
    assert "Ingenting å vise ennå." in page or "Nothing to show yet." in page

    # Three answers this month: neither the counts nor the lines move while
    # March runs, and February's two answers are still fewer than three.
    give_answers(group, ["Aller første gang jeg snakker", "", ""])
    response = client.get(url)
    page = response.content.decode()
    assert response.context["rows"] == []
    for line in ("Aller første", "Savner mer", "Trygt og godt"):
        assert line not in page
    assert (
        "Tala kjem i puljar på minst 3 svar" in page
        or "Tallene kommer i puljer på minst 3 svar" in page
        or "The numbers come in batches of at least 3 answers" in page
    )

    # 23:30 on the last day of March in Oslo: still March.
    with time_machine.travel(datetime.datetime(2026, 3, 31, 23, 30, tzinfo=OSLO), tick=False):
        login(client, staff, mfa=True)  # a fortnight on: signed in afresh
        assert client.get(url).context["rows"] == []
    # Half past midnight on 1 April in Oslo (still 31 March in UTC): March is over.
    with time_machine.travel(datetime.datetime(2026, 4, 1, 0, 30, tzinfo=OSLO), tick=False):
        login(client, staff, mfa=True)
        response = client.get(url)
        page = response.content.decode()
    assert [row.answers for row in response.context["rows"]] == [5]
    assert (
        "Svar fra denne måneden vises når måneden er omme" in page
        or "Lines from this month show when the month is over" in page
    )
    # Sorted, never in the order they came nor by month.
    assert page.index("Aller første") < page.index("Savner mer") < page.index("Trygt og godt")


@pytest.mark.parametrize(
    ("counts", "released"),
    [
        ({}, set()),
        ({FEBRUARY: 2}, set()),
        ({FEBRUARY: 3}, {FEBRUARY}),
        # A single answer after a full month waits: it never shows on its own.
        ({FEBRUARY: 3, MARCH: 1}, {FEBRUARY}),
        (
            {datetime.date(2026, 1, 1): 1, FEBRUARY: 1, MARCH: 1},
            {datetime.date(2026, 1, 1), FEBRUARY, MARCH},
        ),
        (
            {datetime.date(2026, 1, 1): 4, FEBRUARY: 1, MARCH: 2},
            {datetime.date(2026, 1, 1), FEBRUARY, MARCH},
        ),
    ],
)
def test_months_are_let_out_in_batches_of_at_least_three_answers(counts, released):
    assert selectors.released_months(counts) == released


@time_machine.travel(datetime.datetime(2026, 4, 2, 12, 0, tzinfo=OSLO), tick=False)
def test_a_line_from_the_one_member_who_answered_last_month_waits_for_two_more():
    group, _memberships, _district = a_group(0)
    give_answers(group, ["a", "b", "c"], month=FEBRUARY)
    give_answers(group, ["bare meg i mars"], month=MARCH)
    groups = Group.objects.filter(pk=group.pk)

    [row] = selectors.group_feedback(groups=groups, with_texts=True)
    assert row.texts == ["a", "b", "c"]

    give_answers(group, ["", "d"], month=datetime.date(2026, 4, 1))
    with time_machine.travel(datetime.datetime(2026, 5, 1, 0, 5, tzinfo=OSLO), tick=False):
        [row] = selectors.group_feedback(groups=groups, with_texts=True)
    assert row.texts == ["a", "b", "bare meg i mars", "c", "d"]


@time_machine.travel(NOW, tick=False)
def test_the_district_sees_counts_under_the_rule_and_never_the_lines(client):
    group, _memberships, district = a_group(0)
    other, _m, _d = a_group(0)
    other.contact_point.kommune = group.contact_point.kommune
    other.contact_point.save()
    staff = UserFactory()
    give_totp(staff)
    StaffRoleFactory(
        user=staff, kind=StaffRole.Kind.DISTRICT_STAFF, district=district, contact_point=None
    )
    login(client, staff, mfa=True)
    give_answers(group, ["Hemmelig linje", "b", "c"], month=FEBRUARY)
    give_answers(other, ["d"], month=FEBRUARY)

    groups = Group.objects.filter(pk__in=[group.pk, other.pk])
    totals = selectors.district_totals(groups=groups)
    assert totals["answers"] == 3  # the other group's single answer is left out
    assert dict(totals["works"])[4] == 3
    rows = {row.group: row for row in selectors.group_feedback(groups=groups, with_texts=False)}
    # The other group's single answer is no batch yet: the group is not listed.
    assert set(rows) == {group}
    assert rows[group].answers == 3 and rows[group].texts == []

    page = client.get(reverse("feedback:district")).content.decode()
    assert group.name in page and other.name not in page
    assert "Hemmelig linje" not in page


@time_machine.travel(NOW, tick=False)
def test_the_district_page_reads_the_same_number_of_queries_for_more_groups(
    client, django_assert_max_num_queries
):
    group, _memberships, district = a_group(0)
    staff = UserFactory()
    give_totp(staff)
    StaffRoleFactory(
        user=staff, kind=StaffRole.Kind.DISTRICT_STAFF, district=district, contact_point=None
    )
    login(client, staff, mfa=True)
    give_answers(group, ["a", "b", "c"], month=FEBRUARY)
    url = reverse("feedback:district")
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for _ in range(4):
        give_answers(GroupFactory(contact_point=group.contact_point), ["x", "y", "z"], FEBRUARY)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


@time_machine.travel(NOW, tick=False)
def test_the_download_holds_the_marker_and_deletion_leaves_the_unlinked_answers(client):
    from privacy.deletion import account_delete
    from privacy.export import user_data_export

    group, [membership], _district = a_group(1)
    hold_meetings(group, 5)
    login(client, membership.user)
    answer(client, group, works="5", safe="yes", text="Godt")

    exported = user_data_export(user=membership.user)
    [mine] = [m for m in exported["memberships"] if m["group"] == group.name]
    assert mine["feedback_answered"] == ["fifth_meeting"]
    assert "Godt" not in str(exported)

    assert account_delete(user_id=membership.user.pk) is True
    assert not Answered.objects.exists()
    assert PendingAnswer.objects.filter(group=group).count() == 1
