"""The questions' page for a member who has already answered in the group."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from feedback import services
from feedback.models import Answered, PendingAnswer
from joining.services import membership_add, membership_leave
from tests.conftest import login
from tests.factories import PledgeSignatureFactory
from tests.feedback.test_feedback import NOW, a_group

pytestmark = pytest.mark.django_db


@time_machine.travel(NOW, tick=False)
def test_leaving_a_second_time_offers_no_questions_and_a_direct_post_is_refused(client):
    group, [first], _district = a_group(1)
    membership_leave(group=group, user=first.user)
    first.refresh_from_db()
    services.feedback_answer(membership=first, works=3, safe="yes", text="Fint")
    second = membership_add(group=group, user=first.user)
    PledgeSignatureFactory(membership=second)
    login(client, first.user)

    # Leaving again leads to the list of groups, not to the questions.
    left = client.post(group.inside_url("joining:leave"))
    assert left.status_code == 302 and left["Location"] == reverse("groups:mine")

    # Posted straight to the questions: refused with a message, nothing stored.
    url = group.inside_url("feedback:answer")
    refused = client.post(url, {"works": "1", "safe": "no", "text": "Igjen"})
    assert refused.status_code == 302 and refused["Location"] == reverse("groups:mine")
    shown = [str(m) for m in get_messages(refused.wsgi_request)]
    assert {
        "You have already had these questions in this group, so we will not ask again.",
        "Du har allerede fått disse spørsmålene i denne gruppa, så vi spør ikke igjen.",
    } & set(shown)
    declined = client.post(url, {"decline": "1"}, follow=True)
    assert declined.status_code == 200
    assert "Du har allerede fått disse spørsmålene" in declined.content.decode() or (
        "You have already had these questions" in declined.content.decode()
    )
    assert client.get(url).status_code == 302
    assert list(PendingAnswer.objects.values_list("text", flat=True)) == ["Fint"]
    assert Answered.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_someone_who_never_was_in_the_group_still_gets_404(client):
    group, [first], _district = a_group(1)
    membership_leave(group=group, user=first.user)
    first.refresh_from_db()
    services.feedback_answer(membership=first, works=3, safe="yes")
    _other_group, [stranger], _d = a_group(1)
    login(client, stranger.user)

    assert client.post(group.inside_url("feedback:answer"), {"decline": "1"}).status_code == 404
    assert Answered.objects.count() == 1
