"""Numbers only from months that are over, so that nobody can tie an answer to
the one who gave it by watching the numbers move."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from feedback import selectors, services
from feedback.models import Answer
from groups.models import Group
from tests.feedback.test_feedback import NOW, OSLO, a_group, give_answers, hold_meetings

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
    assert Answer.objects.get().month == MARCH


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
        assert shown(group)[:2] == (totals_before, rows_before)

    # Once March is over in Oslo, its answers count, each number under the rule:
    # two answers of 1 and two "no" are cells below three.
    with time_machine.travel(FIRST_HALF_HOUR_OF_APRIL, tick=False):
        totals, _rows, [row] = shown(group)
    assert totals["answers"] == 5 and row.answers == 5
    assert dict(row.works) == {1: "<3", 2: 0, 3: 0, 4: 3, 5: 0}
    assert dict(totals["works"]) == {1: "<3", 2: 0, 3: 0, 4: 3, 5: 0}
    # Yes, partly, no: three yes from February, the two no from March.
    assert [n for _label, n in row.safe] == [3, 0, "<3"]
    assert [n for _label, n in totals["safe"]] == [3, 0, "<3"]
    assert row.texts == []  # March's two answers are a batch below three: its line waits


def test_a_group_with_answers_only_this_month_shows_nothing():
    group, _memberships, _district = a_group(0)
    give_answers(group, ["a", "b", "c"], month=MARCH)
    with time_machine.travel(NOW, tick=False):
        totals, rows, _ = shown(group)
    assert rows == [] and totals["answers"] == 0
