"""The two rules that keep an answer from being tied to the one who gave it:
numbers only from months that are over, and one answer per person, group and
occasion however often they leave and come back."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from core.services import DomainError
from feedback import selectors, services
from feedback.models import Answer, Answered, PendingAnswer
from groups.models import Group
from joining.services import membership_add, membership_leave
from tests.feedback.test_feedback import JOINED, NOW, OSLO, a_group, give_answers, hold_meetings

pytestmark = pytest.mark.django_db

FEBRUARY = datetime.date(2026, 2, 1)
MARCH = datetime.date(2026, 3, 1)
LAST_HALF_HOUR_OF_MARCH = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=OSLO)
# Still 31 March in UTC, already April in Oslo.
FIRST_HALF_HOUR_OF_APRIL = datetime.datetime(2026, 4, 1, 0, 15, tzinfo=OSLO)


def shown(group: Group) -> tuple[object, object, object]:
    """What the district office and the contact point are shown for ``group``."""
    groups = Group.objects.filter(pk=group.pk)
    totals = selectors.district_totals(groups=groups)
    rows = selectors.group_feedback(groups=groups, with_texts=True)
    return totals, [(r.answers, r.works, r.safe, r.texts) for r in rows], rows


def test_an_answer_at_half_past_eleven_on_the_last_evening_belongs_to_that_month():
    group, [membership], _district = a_group(1)
    with time_machine.travel(NOW, tick=False):
        hold_meetings(group, 5)
    with time_machine.travel(LAST_HALF_HOUR_OF_MARCH, tick=False):
        services.feedback_answer(membership=membership, works=2, safe="no")
        assert services.file_answers() == 0
    assert PendingAnswer.objects.get().month == MARCH
    # Filed once March is over in Oslo, still as March's.
    with time_machine.travel(FIRST_HALF_HOUR_OF_APRIL, tick=False):
        assert services.file_answers() == 1
    assert Answer.objects.get().month == MARCH
    assert not PendingAnswer.objects.exists()


def test_no_number_counts_the_month_that_is_running():
    group, memberships, _district = a_group(4)
    with time_machine.travel(NOW, tick=False):
        hold_meetings(group, 5)
    give_answers(group, ["", "", ""], month=FEBRUARY)

    with time_machine.travel(NOW, tick=False):
        totals_before, rows_before, [row] = shown(group)
        assert totals_before["answers"] == 3 and row.answers == 3
        assert dict(totals_before["works"])[4] == 3
        # A member answers this month: nothing anyone is shown moves.
        services.feedback_answer(membership=memberships[0], works=1, safe="no", text="Utrygt")
        assert shown(group)[:2] == (totals_before, rows_before)

    # The last half hour of March in Oslo is still March: still nothing moves.
    with time_machine.travel(LAST_HALF_HOUR_OF_MARCH, tick=False):
        services.feedback_answer(membership=memberships[1], works=1, safe="no")
        assert services.file_answers() == 0
        assert shown(group)[:2] == (totals_before, rows_before)

    # Once March is over in Oslo, its two answers are still fewer than a batch
    # of three: they wait, and nothing anyone is shown moves on the 1st either.
    with time_machine.travel(FIRST_HALF_HOUR_OF_APRIL, tick=False):
        assert services.file_answers() == 2
        assert shown(group)[:2] == (totals_before, rows_before)
    assert rows_before == [(3, row.works, row.safe, [])]
    assert dict(row.works) == {1: 0, 2: 0, 3: 0, 4: 3, 5: 0}


def test_a_group_with_answers_only_this_month_shows_nothing():
    group, _memberships, _district = a_group(0)
    give_answers(group, ["a", "b", "c"], month=MARCH)
    with time_machine.travel(NOW, tick=False):
        totals, rows, _ = shown(group)
    assert rows == [] and totals["answers"] == 0


def leave_and_come_back(membership):
    """The member leaves and is taken back: a new membership of the same person."""
    membership_leave(group=membership.group, user=membership.user)
    return membership_add(group=membership.group, user=membership.user)


@time_machine.travel(NOW, tick=False)
def test_a_member_who_leaves_is_taken_back_and_leaves_again_answers_leaving_once():
    group, [first], _district = a_group(1)
    membership_leave(group=group, user=first.user)
    first.refresh_from_db()
    services.feedback_answer(membership=first, works=3, safe="yes")

    second = membership_add(group=group, user=first.user)
    second = membership_leave(group=group, user=first.user)

    assert selectors.open_occasion(membership=second) is None
    assert selectors.url_after_leaving(second) is None
    assert selectors.membership_to_ask(group=group, user=first.user) is None
    with pytest.raises(DomainError) as refused:
        services.feedback_answer(membership=second, works=1, safe="no")
    assert refused.value.code == "answered"
    with pytest.raises(DomainError):
        services.feedback_decline(membership=second)
    assert PendingAnswer.objects.count() == 1
    assert list(Answered.objects.values_list("membership", "occasion")) == [(first.pk, "leaving")]


def test_a_member_taken_back_is_not_asked_after_the_fifth_meeting_again():
    group, [first], _district = a_group(1)
    with time_machine.travel(NOW, tick=False):
        hold_meetings(group, 5)
        services.feedback_decline(membership=first)  # «No thanks» closes it too
        second = leave_and_come_back(first)
    later = NOW + datetime.timedelta(days=45)
    hold_meetings(group, 5, first=NOW)
    with time_machine.travel(later, tick=False):
        assert selectors.meetings_attended(membership=second) == 5
        assert selectors.open_occasion(membership=second) is None
        assert selectors.inside_page_part(group, second) == {}
        with pytest.raises(DomainError):
            services.feedback_answer(membership=second, works=5, safe="yes")
    assert not Answer.objects.exists() and not PendingAnswer.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_member_who_never_answered_on_leaving_is_asked_when_leaving_the_second_time():
    group, [first], _district = a_group(1)
    second = leave_and_come_back(first)
    first.refresh_from_db()
    first.ended_at = NOW - datetime.timedelta(days=60)  # that time, the window passed
    first.save(update_fields=["ended_at"])

    second = membership_leave(group=group, user=first.user)

    assert selectors.open_occasion(membership=second) == "leaving"
    services.feedback_answer(membership=second, works=4, safe="yes")
    assert selectors.membership_to_ask(group=group, user=first.user) is None


@time_machine.travel(NOW, tick=False)
def test_another_person_in_the_same_group_is_not_closed_by_someone_elses_marker():
    group, [one, other], _district = a_group(2)
    hold_meetings(group, 5, first=JOINED)
    services.feedback_answer(membership=one, works=4, safe="yes")
    assert selectors.open_occasion(membership=other) == "fifth_meeting"
