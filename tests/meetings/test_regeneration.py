"""Every path that changes a group's state or meeting time regenerates its
meetings after commit, explicitly; loading or saving a group row does nothing.

The groups app announces the change (``groups.signals``) and the meetings app
regenerates on it; nothing watches the ``Group`` model.
"""

from __future__ import annotations

import datetime
import io
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models.signals import post_init, post_save, pre_save
from django.utils import timezone

from core.services import DomainError
from groups import lifecycle
from groups.models import Group
from groups.services import group_update
from groups.signals import group_state_changed, schedule_changed
from meetings.models import Meeting
from meetings.services import meetings_materialise
from tests.conftest import login
from tests.factories import UserFactory, give_totp

from .conftest import OSLO, MeetingGroup, make_group

pytestmark = pytest.mark.django_db


def stored(mg: MeetingGroup) -> int:
    return Meeting.objects.filter(group=mg.group, starts_at__gt=timezone.now()).count()


def stray_meeting(mg: MeetingGroup) -> Meeting:
    """An untouched future meeting, as one left from before a change would be."""
    starts = timezone.now() + datetime.timedelta(days=3)
    return Meeting.objects.create(
        group=mg.group,
        occurrence=starts,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


@pytest.fixture
def heard() -> Any:
    """What ``groups`` announced, in order."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def state(sender: Any, **kwargs: Any) -> None:
        calls.append(("state", {k: v for k, v in kwargs.items() if k != "signal"}))

    def schedule(sender: Any, **kwargs: Any) -> None:
        calls.append(("schedule", {k: v for k, v in kwargs.items() if k != "signal"}))

    group_state_changed.connect(state, dispatch_uid="test-heard-state")
    schedule_changed.connect(schedule, dispatch_uid="test-heard-schedule")
    yield calls
    group_state_changed.disconnect(dispatch_uid="test-heard-state")
    schedule_changed.disconnect(dispatch_uid="test-heard-schedule")


# --- Nothing hidden ----------------------------------------------------------------------------


def test_loading_or_saving_a_group_row_does_no_work(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    mg = make_group()
    assert not post_init.has_listeners(Group)
    assert not pre_save.has_listeners(Group)
    assert not post_save.has_listeners(Group)
    with django_assert_num_queries(2):
        group = Group.objects.get(pk=mg.group.pk)
        list(Group.objects.filter(pk__in=[mg.group.pk]))
    assert not [name for name in vars(group) if "snapshot" in name]
    # A plain save is not a lifecycle transition: it announces nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        group.state = Group.State.PAUSED
        group.weekday = Group.Weekday.FRIDAY
        group.save()
    assert callbacks == []


# --- Lifecycle transitions -----------------------------------------------------------------------


def test_each_transition_that_changes_the_state_regenerates_after_commit(
    heard, django_capture_on_commit_callbacks, settings
):
    # About regenerating, not about when a group is ready to run itself.
    settings.SELVHJELP_SELF_RUN_MIN_MEMBERS = settings.SELVHJELP_SELF_RUN_MIN_MEETINGS = 0
    mg = make_group(state=Group.State.FORMING)
    initiator = mg.members[0].user

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.group_transition(group=mg.group, action="start", actor=initiator)
        assert stored(mg) == 0  # not before the transition has committed
    assert stored(mg) >= 16

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.initiator_step_back(group=mg.group, user=initiator)
    assert stored(mg) >= 16

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.group_transition_together(group=mg.group, action="pause", proposal_id=None)
    assert stored(mg) == 0

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.group_transition_together(group=mg.group, action="resume", proposal_id=None)
    assert stored(mg) >= 16

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.group_transition_together(group=mg.group, action="end", proposal_id=None)
    assert stored(mg) == 0

    group_id = mg.group.pk
    assert heard == [
        ("state", {"group_id": group_id, "previous": "forming", "state": "starting"}),
        ("state", {"group_id": group_id, "previous": "starting", "state": "self_run"}),
        ("state", {"group_id": group_id, "previous": "self_run", "state": "paused"}),
        ("state", {"group_id": group_id, "previous": "paused", "state": "self_run"}),
        ("state", {"group_id": group_id, "previous": "self_run", "state": "ended"}),
    ]


def test_opening_and_closing_change_no_state_and_announce_nothing(
    heard, django_capture_on_commit_callbacks
):
    mg = make_group()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for action in ("close", "open") if mg.group.open_for_new_members else ("open", "close"):
            lifecycle.group_transition_together(group=mg.group, action=action, proposal_id=None)
    assert callbacks == [] and heard == []


def test_a_transition_that_fails_announces_nothing(heard, django_capture_on_commit_callbacks):
    mg = make_group(state=Group.State.FORMING)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(DomainError),
    ):
        lifecycle.group_transition(group=mg.group, action="pause", actor=mg.member.user)
    assert callbacks == [] and heard == []


# --- Schedule changes --------------------------------------------------------------------------


def test_the_members_schedule_form_regenerates_in_its_own_transaction(client, heard):
    # While the initiators guide the start, the form changes the time at once.
    mg = make_group(state=Group.State.STARTING)
    meetings_materialise(group_id=mg.group.pk)
    login(client, mg.member.user)
    response = client.post(
        f"/inne/{mg.group.inside_token}/motetid/",
        {
            "weekday": Group.Weekday.THURSDAY,
            "start_time": "19:30",
            "duration_minutes": 90,
            "cadence": Group.Cadence.WEEKLY,
        },
    )
    assert response.status_code == 302
    future = Meeting.objects.filter(group=mg.group, starts_at__gt=timezone.now())
    assert future.count() >= 16
    assert {m.starts_at.astimezone(OSLO).weekday() for m in future} == {3}
    assert {m.starts_at.astimezone(OSLO).time() for m in future} == {datetime.time(19, 30)}
    assert heard == []  # the meetings app regenerates its own meetings, no round trip


def test_the_setup_form_announces_a_new_meeting_time_after_commit(
    heard, django_capture_on_commit_callbacks
):
    mg = make_group(state=Group.State.FORMING)
    left_over = stray_meeting(mg)
    with django_capture_on_commit_callbacks(execute=True):
        group_update(group=mg.group, actor=mg.members[0].user, data={"description": "Ny tekst"})
    assert heard == []  # not a schedule change
    with django_capture_on_commit_callbacks(execute=True):
        group_update(group=mg.group, actor=mg.members[0].user, data={"weekday": 4})
    assert heard == [("schedule", {"group_id": mg.group.pk})]
    # A forming group does not meet yet: regenerating leaves it no meetings.
    assert not Meeting.objects.filter(pk=left_over.pk).exists()


# --- Admin ---------------------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The values a browser would post from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_an_admin_edit_of_the_state_or_meeting_time_regenerates(
    client, heard, django_capture_on_commit_callbacks
):
    mg = make_group()
    meetings_materialise(group_id=mg.group.pk)
    admin = UserFactory(is_staff=True, is_superuser=True)
    give_totp(admin)
    login(client, admin, mfa=True)
    url = f"/admin/groups/group/{mg.group.pk}/change/"

    def post(**changes: Any) -> None:
        fields = _FormFields()
        fields.feed(client.get(url).content.decode())
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {**fields.data, **changes})
        assert response.status_code == 302, response.content.decode()[:2000]

    post(weekday=str(Group.Weekday.FRIDAY))
    future = Meeting.objects.filter(group=mg.group, starts_at__gt=timezone.now())
    assert {m.starts_at.astimezone(OSLO).weekday() for m in future} == {4}
    post(state=Group.State.PAUSED)
    assert stored(mg) == 0
    post(name="Nytt navn")  # neither state nor meeting time
    assert heard == [
        ("schedule", {"group_id": mg.group.pk}),
        ("state", {"group_id": mg.group.pk, "previous": "self_run", "state": "paused"}),
    ]


# --- Demo data ---------------------------------------------------------------------------------


def test_a_reseed_puts_demo_meetings_back_in_line_with_the_states():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    paused = Group.objects.filter(state=Group.State.PAUSED).first()
    running = Group.objects.filter(state=Group.State.SELF_RUN).first()
    assert paused is not None and running is not None
    # Between seeds: the paused group resumed and got meetings, the running
    # group lost its coming ones, both by hand.
    Group.objects.filter(pk=paused.pk).update(state=Group.State.SELF_RUN)
    meetings_materialise(group_id=paused.pk)
    assert Meeting.objects.filter(group=paused, starts_at__gt=timezone.now()).exists()
    Meeting.objects.filter(
        group=running, starts_at__gt=timezone.now(), cancelled_at__isnull=True
    ).delete()

    call_command("seed_demo", "--force", stdout=io.StringIO())
    paused.refresh_from_db()
    assert paused.state == Group.State.PAUSED
    assert not Meeting.objects.filter(
        group=paused, starts_at__gt=timezone.now(), changed_at__isnull=True
    ).exists()
    assert Meeting.objects.filter(group=running, starts_at__gt=timezone.now()).count() >= 8
