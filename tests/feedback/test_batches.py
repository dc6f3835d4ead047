"""Every number staff see comes from the same released batches as the lines.

A month that is over joins the numbers only inside a batch of at least three
answers, so the change on the 1st never shows one member's answer on its own:
not for the group, and not in a district's sums over many groups.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine
from django.urls import reverse

from feedback import selectors, services
from feedback.models import Answer
from groups.models import Group
from organisations.models import StaffRole
from tests.conftest import login
from tests.factories import GroupFactory, StaffRoleFactory, UserFactory, give_totp
from tests.feedback.test_feedback import NOW, OSLO, a_group, give_answers, hold_meetings

pytestmark = pytest.mark.django_db

FEBRUARY = datetime.date(2026, 2, 1)
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
MAY = datetime.date(2026, 5, 1)


def oslo(year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=OSLO)


def shown(groups) -> tuple[dict, list]:
    """The district's sums and the contact point's rows, as the pages get them."""
    totals = selectors.district_totals(groups=groups)
    rows = [
        (row.group.pk, row.answers, row.works, row.safe, row.texts)
        for row in selectors.group_feedback(groups=groups, with_texts=True)
    ]
    return totals, rows


def test_one_answer_after_a_released_batch_changes_nothing_and_the_third_moves_all_by_three():
    group, [member], _district = a_group(1)
    groups = Group.objects.filter(pk=group.pk)
    give_answers(group, ["a", "b", "c"], month=FEBRUARY)
    with time_machine.travel(NOW, tick=False):
        hold_meetings(group, 5)
        # The only member to answer in March: staff may well know who it is.
        services.feedback_answer(membership=member, works=1, safe="no", text="Bare meg")

    with time_machine.travel(oslo(2026, 3, 31, 23, 30), tick=False):
        before = shown(groups)
    totals, [(_pk, answers, works, safe, texts)] = before
    assert (totals["answers"], answers, texts) == (3, 3, ["a", "b", "c"])

    # On the 1st, March is over and its one answer is filed, but it is no
    # batch: nothing moves.
    with time_machine.travel(oslo(2026, 4, 1, 0, 15), tick=False):
        assert services.file_answers() == 1
        assert shown(groups) == before
    # A second answer in April: on 1 May, still two, still nothing moves.
    give_answers(group, [""], month=APRIL)
    with time_machine.travel(oslo(2026, 5, 1, 0, 15), tick=False):
        assert shown(groups) == before

    # The third answer, in May, makes a batch of three: on 1 June every number
    # moves by those three answers together, and March's line comes out with them.
    Answer.objects.create(group=group, month=MAY, works=2, safe="partly", text="")
    with time_machine.travel(oslo(2026, 5, 31, 23, 59), tick=False):
        assert shown(groups) == before
    with time_machine.travel(oslo(2026, 6, 1, 0, 15), tick=False):
        totals, [(_pk, answers, works, safe, texts)] = shown(groups)
    assert (totals["answers"], answers) == (6, 6)
    # Three 4s from February; March's 1, April's 4 and May's 2 as cells under the rule.
    assert dict(works) == dict(totals["works"]) == {1: "<3", 2: "<3", 3: 0, 4: 4, 5: 0}
    assert [n for _label, n in safe] == [4, "<3", "<3"]  # yes, partly, no
    assert texts == ["Bare meg", "a", "b", "c"]


@time_machine.travel(oslo(2026, 4, 2, 12, 0), tick=False)
def test_the_district_sums_only_released_batches(client):
    group, _memberships, district = a_group(0)
    waiting = GroupFactory(contact_point=group.contact_point, name="Ventegruppa")
    half = GroupFactory(contact_point=group.contact_point, name="Halvgruppa")
    give_answers(group, ["", "", ""], month=FEBRUARY)
    give_answers(waiting, ["", ""], month=FEBRUARY)  # no batch yet
    give_answers(half, ["", "", "", ""], month=FEBRUARY)
    give_answers(half, [""], month=MARCH)  # waits after the released batch
    groups = Group.objects.filter(pk__in=[group.pk, waiting.pk, half.pk])

    totals, rows = shown(groups)
    assert totals["answers"] == 7
    assert dict(totals["works"])[4] == 7
    assert [n for _label, n in totals["safe"]] == [7, 0, 0]
    assert {pk: answers for pk, answers, *_ in rows} == {group.pk: 3, half.pk: 4}

    staff = UserFactory()
    give_totp(staff)
    StaffRoleFactory(
        user=staff, kind=StaffRole.Kind.DISTRICT_STAFF, district=district, contact_point=None
    )
    login(client, staff, mfa=True)
    response = client.get(reverse("feedback:district"))
    page = response.content.decode()
    assert response.context["totals"]["answers"] == 7
    assert "Ventegruppa" not in page and "Halvgruppa" in page
    assert "Tallene kommer i puljer på minst 3 svar" in page

    # One more answer in April makes the waiting group's batch: on 1 May the
    # district's sum moves by its three answers; Halvgruppa's March answer waits on.
    give_answers(waiting, [""], month=APRIL)
    with time_machine.travel(oslo(2026, 5, 1, 0, 15), tick=False):
        totals, rows = shown(groups)
    assert totals["answers"] == 10
    assert {pk: answers for pk, answers, *_ in rows} == {group.pk: 3, waiting.pk: 3, half.pk: 4}


def test_what_is_released_grows_by_no_fewer_than_three_answers_at_a_time():
    """Every run of five months with 0 to 3 answers each, looked at month by month."""
    months = [datetime.date(2026, month, 1) for month in range(1, 6)]
    for per_month in itertools.product(range(4), repeat=len(months)):
        shown_before = 0
        for over in range(len(months) + 1):
            counts = {m: n for m, n in zip(months[:over], per_month[:over], strict=True) if n}
            released = selectors.released_months(counts)
            now_shown = sum(counts[m] for m in released)
            assert now_shown - shown_before in (0, *range(3, 7)), per_month
            # Released months are the oldest ones: what was out stays out.
            assert released == {m for m in counts if released and m <= max(released)}
            shown_before = now_shown
