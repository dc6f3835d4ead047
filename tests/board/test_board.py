"""The group's message board: posting, reading, notices, deletion, retention, data rights."""

from __future__ import annotations

import datetime
import json
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from board import selectors, services
from board.models import BODY_MAX_LENGTH, Post, Reader
from core.services import DomainError
from groups.models import Group, Membership
from meetings.models import ReminderPreference
from notifications import tasks as outbox_tasks
from notifications.models import OutgoingMessage
from notifications.sms import LocmemBackend
from tests.conftest import login
from tests.factories import GroupFactory, MembershipFactory, ThemeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms_outbox")]

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime.datetime(2026, 3, 17, 12, 0, tzinfo=OSLO)


def a_group(members: int = 3) -> tuple[Group, list[Membership]]:
    theme = ThemeFactory(name_nb="Sorg", name_nn="Sorg", name_en="Grief")
    group = GroupFactory(
        state=Group.State.SELF_RUN,
        theme=theme,
        name="Tirsdagsgruppa Lysglimt",
        description="Vi som har mistet noen.",
    )
    return group, [MembershipFactory(group=group, pledge_signed=True) for _ in range(members)]


def notices() -> list[OutgoingMessage]:
    return list(OutgoingMessage.objects.filter(kind="board_post").order_by("pk"))


# --- Posting and the notices it causes ------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_post_gives_every_other_member_one_neutral_notice():
    _group, [author, first, second] = a_group(3)
    post = services.post_create(membership=author, body="  Jeg tar med kaffe på torsdag.  ")
    assert post.body == "Jeg tar med kaffe på torsdag."
    rows = notices()
    assert {row.recipient_id for row in rows} == {first.user_id, second.user_id}
    for row in rows:
        assert set(row.params) == {"membership", "visits"}
        assert "kaffe" not in row.key + json.dumps(row.params)


@time_machine.travel(NOW, tick=False)
def test_a_burst_of_posts_gives_one_notice_until_the_member_has_read_the_board():
    _group, [author, reader] = a_group(2)
    for text in ("Én", "To", "Tre"):
        services.post_create(membership=author, body=text)
    assert len(notices()) == 1

    services.board_visit(membership=reader)
    services.post_create(membership=author, body="Fire")
    services.post_create(membership=author, body="Fem")
    assert len(notices()) == 2
    assert [row.params["visits"] for row in notices()] == [0, 1]


@time_machine.travel(NOW, tick=False)
def test_a_member_who_turned_notices_off_gets_none_and_can_turn_them_on_again():
    _group, [author, quiet] = a_group(2)
    services.notices_set(membership=quiet, on=False)
    services.post_create(membership=author, body="Hei")
    assert notices() == []
    services.notices_set(membership=quiet, on=True)
    services.post_create(membership=author, body="Hei igjen")
    assert len(notices()) == 1


@time_machine.travel(NOW, tick=False)
def test_the_notice_goes_by_the_members_chosen_lead_and_names_nothing():
    group, [author, by_sms, by_email] = a_group(3)
    by_sms.user.phone, by_sms.user.phone_verified = "41234567", True
    by_sms.user.save()
    ReminderPreference.objects.create(user=by_sms.user, channel=ReminderPreference.Channel.SMS)
    services.post_create(membership=author, body="Møtet er flyttet til rom 2")
    channels = {row.recipient_id: row.channel for row in notices()}
    assert channels == {by_sms.user_id: "sms", by_email.user_id: "email"}

    outbox_tasks.dispatch()
    assert {row.status for row in notices()} == {OutgoingMessage.Status.SENT}
    [message] = mail.outbox
    [sms] = LocmemBackend.outbox
    url = group.inside_url("board:board")
    assert message.subject == "Det er en ny melding i en av gruppene dine"
    assert url in message.body and url in sms["text"]
    secrets = (group.name, group.slug, group.theme.name_nb, group.theme.name_en, "rom 2")
    secrets += (author.user.display_name, group.description)
    for text in (message.subject, message.body, sms["text"]):
        for secret in secrets:
            assert secret not in text


@time_machine.travel(NOW, tick=False)
def test_the_notice_in_nynorsk_and_english_by_email_and_sms_names_nothing(caplog):
    group, [author, nynorsk, english] = a_group(3)
    for membership, language, phone in ((nynorsk, "nn", "41234567"), (english, "en", "41234568")):
        user = membership.user
        user.language, user.phone, user.phone_verified = language, phone, True
        user.save()
        ReminderPreference.objects.create(user=user, channel=ReminderPreference.Channel.BOTH)
    caplog.set_level(logging.DEBUG)  # from posting on: the test's own set-up is not searched
    services.post_create(membership=author, body="Møtet er flyttet til rom 2")
    assert {tuple(sorted(row.params)) for row in notices()} == {("membership", "visits")}
    outbox_tasks.dispatch()

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        nynorsk.user.email: "Det er ei ny melding i ei av gruppene dine",
        english.user.email: "There is a new message in one of your groups",
    }
    sms = {message["to"]: message["text"] for message in LocmemBackend.outbox}
    assert len(sms) == 2
    assert sorted(text.splitlines()[0] for text in sms.values()) == sorted(subjects.values())
    secrets = (group.name, group.slug, group.description, "rom 2", author.user.display_name)
    secrets += (group.theme.name_nb, group.theme.name_nn, group.theme.name_en)
    said = [m.subject + m.body for m in mail.outbox] + list(sms.values()) + [caplog.text]
    said += [json.dumps(row.params) for row in notices()]
    for text in said:
        for secret in secrets:
            assert secret not in text


@time_machine.travel(NOW, tick=False)
def test_a_notice_is_dropped_when_the_member_has_read_the_board_or_left_before_it_went():
    _group, [author, reader, leaver] = a_group(3)
    services.post_create(membership=author, body="Hei")
    services.board_visit(membership=reader)
    leaver.status, leaver.ended_at = Membership.Status.LEFT, NOW
    leaver.save()
    outbox_tasks.dispatch()
    assert {row.status for row in notices()} == {OutgoingMessage.Status.CANCELLED}
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
def test_a_notice_is_dropped_when_nothing_new_is_left_to_read():
    _group, [author, _reader] = a_group(2)
    post = services.post_create(membership=author, body="Feil gruppe, beklager")
    services.post_delete(membership=author, post_id=post.pk)
    outbox_tasks.dispatch()
    assert [row.status for row in notices()] == [OutgoingMessage.Status.CANCELLED]
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
def test_empty_or_too_long_posts_are_refused():
    _group, [author, _other] = a_group(2)
    with pytest.raises(DomainError, match="Skriv en melding"):
        services.post_create(membership=author, body="   ")
    with pytest.raises(DomainError, match="Skriv en melding"):  # zero-width characters only
        services.post_create(membership=author, body="\u200b\u200b \u2060\ufeff")
    with pytest.raises(DomainError, match=str(BODY_MAX_LENGTH)):
        services.post_create(membership=author, body="x" * (BODY_MAX_LENGTH + 1))
    assert not Post.objects.exists() and notices() == []


# --- Deleting, leaving, account deletion, retention --------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_member_deletes_their_own_post_only():
    _group, [author, other] = a_group(2)
    post = services.post_create(membership=author, body="Hei")
    with pytest.raises(DomainError):
        services.post_delete(membership=other, post_id=post.pk)
    services.post_delete(membership=author, post_id=post.pk)
    assert not Post.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_posts_go_when_their_author_leaves_the_group():
    from joining.services import membership_leave

    group, [author, other] = a_group(2)
    services.post_create(membership=author, body="Jeg slutter, takk for meg")
    kept = services.post_create(membership=other, body="Hei")
    services.notices_set(membership=author, on=False)
    services.board_visit(membership=other)
    membership_leave(group=group, user=author.user)
    assert list(Post.objects.all()) == [kept]
    # Their reading state has no use any more either; the others' stays.
    assert list(Reader.objects.values_list("membership", flat=True)) == [other.pk]


@time_machine.travel(NOW, tick=False)
def test_posts_go_when_an_initiator_steps_back():
    from groups import lifecycle

    group, [_member, _other] = a_group(2)
    group.state = Group.State.STARTING
    group.save()
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR, pledge_signed=True)
    MembershipFactory(group=group, role=Membership.Role.INITIATOR, pledge_signed=True)
    services.post_create(membership=initiator, body="Jeg trer tilbake etter neste møte")
    lifecycle.initiator_step_back(group=group, user=initiator.user)
    assert not Post.objects.filter(membership=initiator).exists()


@time_machine.travel(NOW, tick=False)
def test_export_holds_own_posts_and_deletion_removes_them():
    from privacy.deletion import account_delete
    from privacy.export import user_data_export

    group, [author, other] = a_group(2)
    services.post_create(membership=author, body="Min egen melding")
    services.post_create(membership=other, body="Noen andres melding")
    services.notices_set(membership=author, on=False)

    exported = user_data_export(user=author.user)
    [mine] = [m for m in exported["memberships"] if m["group"] == group.name]
    assert [p["message"] for p in mine["board_posts"]] == ["Min egen melding"]
    assert mine["board_reading"]["notices"] is False
    assert "Noen andres melding" not in json.dumps(exported)

    assert account_delete(user_id=author.user.pk) is True
    assert list(Post.objects.values_list("body", flat=True)) == ["Noen andres melding"]
    assert not Reader.objects.filter(membership__user_id=author.user_id).exists()


@time_machine.travel(NOW, tick=False)
def test_posts_and_reading_state_go_with_their_group():
    group, [author, reader] = a_group(2)
    _other_group, [other_author] = a_group(1)
    services.post_create(membership=author, body="Hei")
    kept = services.post_create(membership=other_author, body="Hei fra en annen gruppe")
    services.board_visit(membership=reader)
    assert Reader.objects.count() == 1
    group.delete()
    assert list(Post.objects.all()) == [kept]
    assert Reader.objects.count() == 0


@override_settings(SELVHJELP_RETAIN_BOARD_POST_DAYS=90)
def test_posts_go_after_the_retention_period_in_the_daily_run():
    from privacy.retention import retention_purge

    with time_machine.travel(NOW, tick=False):
        _group, [author, _other] = a_group(2)
        old = services.post_create(membership=author, body="Gammel")
    with time_machine.travel(NOW + datetime.timedelta(days=60), tick=False):
        young = services.post_create(membership=author, body="Ny")
    # Aware arithmetic in Oslo keeps the wall clock: summer time comes in between.
    later = NOW + datetime.timedelta(days=90, hours=2)
    with time_machine.travel(later - datetime.timedelta(hours=3), tick=False):
        assert retention_purge()["board_posts"] == 0
    with time_machine.travel(later, tick=False):
        assert retention_purge()["board_posts"] == 1
        assert list(Post.objects.all()) == [young]
        assert services.posts_expire(later) == 0
    assert not Post.objects.filter(pk=old.pk).exists()


@override_settings(SELVHJELP_RETAIN_BOARD_POST_DAYS=90)
def test_a_post_past_the_retention_period_is_not_shown_before_the_daily_run():
    with time_machine.travel(NOW, tick=False):
        group, [author, reader] = a_group(2)
        services.post_create(membership=author, body="Gammel")
    with time_machine.travel(NOW + datetime.timedelta(days=89), tick=False):
        assert [post.body for post in selectors.posts_for(group=group)] == ["Gammel"]
        assert selectors.unread_count(membership=reader) == 1
    with time_machine.travel(NOW + datetime.timedelta(days=91), tick=False):
        assert Post.objects.count() == 1  # the daily run has not been yet
        assert list(selectors.posts_for(group=group)) == []
        assert selectors.unread_count(membership=reader) == 0


@time_machine.travel(NOW, tick=False)
def test_retention_also_clears_posts_a_bulk_update_left_behind():
    group, [author, _other] = a_group(2)
    services.post_create(membership=author, body="Hei")
    Membership.objects.filter(pk=author.pk).update(status=Membership.Status.LEFT, ended_at=NOW)
    assert list(selectors.posts_for(group=group)) == []
    assert services.posts_expire(NOW) == 1


# --- The pages -------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_posting_from_the_page_and_reading_it(client):
    group, [author, reader] = a_group(2)
    login(client, author.user)
    url = group.inside_url("board:board")
    response = client.post(url, {"body": "Vi ses på torsdag!"})
    assert response.status_code == 302 and response["Location"] == url
    client.force_login(reader.user)
    inside = client.get(group.inside_url())
    assert "Meldingstavle" in inside.content.decode() and "1 ny" in inside.content.decode()
    page = client.get(url).content.decode()
    assert "Vi ses på torsdag!" in page and author.user.display_name in page
    assert selectors.unread_count(membership=reader) == 0


@time_machine.travel(NOW, tick=False)
def test_bad_input_keeps_the_text_and_says_why(client):
    group, [author, _other] = a_group(2)
    login(client, author.user)
    url = group.inside_url("board:board")
    long_text = "Lang melding " * 100
    page = client.post(url, {"body": long_text}).content.decode()
    assert "Meldingen er" in page and "1000" in page
    assert long_text.strip() in page
    empty = client.post(url, {"body": "  "})
    assert empty.status_code == 200 and "Skriv en melding" in empty.content.decode()
    assert not Post.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_ended_group_takes_no_new_posts_but_its_members_still_read():
    group, [author, reader] = a_group(2)
    kept = services.post_create(membership=author, body="Takk for alle torsdagene")
    Group.objects.filter(pk=group.pk).update(state=Group.State.ENDED)
    with pytest.raises(DomainError) as refused:
        services.post_create(membership=reader, body="Takk i like måte")
    assert refused.value.code == "ended"
    assert list(Post.objects.all()) == [kept]
    assert len(notices()) == 1  # the one from before the end, none from the refused post


@time_machine.travel(NOW, tick=False)
def test_a_paused_group_keeps_its_board_open():
    group, [author, _other] = a_group(2)
    Group.objects.filter(pk=group.pk).update(state=Group.State.PAUSED)
    services.post_create(membership=author, body="Skal vi starte igjen i mars?")
    assert Post.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_board_of_an_ended_group_shows_posts_without_a_form_and_keeps_a_refused_text(client):
    group, [author, reader] = a_group(2)
    services.post_create(membership=author, body="Takk for alle torsdagene")
    Group.objects.filter(pk=group.pk).update(state=Group.State.ENDED)
    login(client, reader.user)
    url = group.inside_url("board:board")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Takk for alle torsdagene" in html
    assert "Legg ut meldingen" not in html and 'name="body"' not in html
    assert "Gruppa er avsluttet" in html
    refused = client.post(url, {"body": "Takk i like måte"})
    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Takk i like måte" in html and "Gruppa er avsluttet" in html
    assert Post.objects.count() == 1


@override_settings(SELVHJELP_RATE_LIMITS={"board_post": "2/h/user"})
@time_machine.travel(NOW, tick=False)
def test_posting_is_rate_limited_and_the_text_is_kept(client):
    group, [author, _other] = a_group(2)
    login(client, author.user)
    url = group.inside_url("board:board")
    for text in ("En", "To"):
        assert client.post(url, {"body": text}).status_code == 302
    response = client.post(url, {"body": "Den tredje meldingen"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Den tredje meldingen" in response.content.decode()
    assert Post.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_deleting_asks_first_and_anothers_post_is_404(client):
    group, [author, other] = a_group(2)
    post = services.post_create(membership=author, body="Hei")
    url = group.inside_url("board:delete", post.pk)
    login(client, other.user)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(author.user)
    assert "Slette meldingen din?" in client.get(url).content.decode()
    assert Post.objects.exists()
    assert client.post(url).status_code == 302
    assert not Post.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_post_of_another_group_is_404_under_this_groups_address(client):
    group, [member, _other] = a_group(2)
    elsewhere, [stranger, _x] = a_group(2)
    post = services.post_create(membership=stranger, body="Hei")
    MembershipFactory(group=elsewhere, user=member.user, pledge_signed=True)
    login(client, member.user)
    assert client.get(group.inside_url("board:delete", post.pk)).status_code == 404
    assert "Hei" not in client.get(group.inside_url("board:board")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_board_lists_with_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    group, memberships = a_group(3)
    login(client, memberships[0].user)
    url = group.inside_url("board:board")
    services.post_create(membership=memberships[1], body="Hei")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for membership in memberships * 5:
        services.post_create(membership=membership, body="Mer")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


@time_machine.travel(NOW, tick=False)
def test_the_demo_member_finds_messages_on_their_groups_board_once():
    import io

    from django.core.management import call_command

    from demo.data import BOARD_POSTS, demo_email

    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Post.objects.count() == len(BOARD_POSTS)
    [group_id] = set(Post.objects.values_list("group_id", flat=True))
    member = Membership.objects.active().get(group_id=group_id, user__email=demo_email("member"))
    assert selectors.unread_count(membership=member) == len(BOARD_POSTS)
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Post.objects.count() == len(BOARD_POSTS)
