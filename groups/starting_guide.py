"""The initiators' guide to a group's first meetings, and its shared checklist.

Selvhjelp Norge's method: an initiator (two are recommended) takes part in
the first meetings, typically meetings 1 to 5, passes on the conversation
principles and the practical frames, hands the practical tasks over to the
members, and then steps out, so that the group runs itself without a
leader. Participants say a start without structure, and an informal leader
who takes too much room, are what most often go wrong; this guide is there
against both.

What each meeting needs is written here once, in English with the Bokmål in
the catalogue; the page (``templates/groups/starting_guide.html``) shows it
and the initiators tick the items off together (``StartChecklistTick``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    key: str
    text: Promise


@dataclass(frozen=True)
class GuideMeeting:
    number: int
    title: Promise
    why: Promise
    items: tuple[Item, ...]


MEETINGS = (
    GuideMeeting(
        1,
        _("The first meeting: getting to know each other"),
        _(
            "Everyone is a little nervous. Your task is to make the room safe and the "
            "frame clear, not to lead the conversation. Say early that you are there for "
            "the first meetings only, and that the group will run itself."
        ),
        (
            Item(
                "m1_welcome",
                _("Welcome everyone and say how long the meeting lasts and when the break is."),
            ),
            Item(
                "m1_expectations",
                _(
                    "Hold a round on expectations and needs: what each one hopes to get from the "
                    "group, and what they need from the others to feel safe."
                ),
            ),
            Item(
                "m1_principles",
                _(
                    "Go through how we talk together: speak from yourself, stay in the here and "
                    "now, share only what you are ready to share, support rather than advise."
                ),
            ),
            Item(
                "m1_pledge",
                _(
                    "Talk about confidentiality, and make sure everyone has signed the group's "
                    "pledge on the platform."
                ),
            ),
            Item("m1_closing", _("End with a closing round: how was this meeting for each one?")),
        ),
    ),
    GuideMeeting(
        2,
        _("The second meeting: the shape of a meeting"),
        _(
            "Let the meeting follow its shape: an opening round, the conversation, a break, "
            "and a closing round. Step in only to keep the frame."
        ),
        (
            Item(
                "m2_rounds",
                _("Hold the opening and the closing round, with turns of about the same length."),
            ),
            Item(
                "m2_principles_again",
                _("Repeat the conversation principles briefly; new habits need a second time."),
            ),
            Item(
                "m2_practical",
                _(
                    "Agree on the practical frames: the fixed time and place, and telling the "
                    "group when one cannot come or wants to quit."
                ),
            ),
        ),
    ),
    GuideMeeting(
        3,
        _("The third meeting: tasks to the members"),
        _(
            "Hand the practical tasks over now, while you are still there to help: the group "
            "should not depend on you for anything."
        ),
        (
            Item(
                "m3_hosts",
                _(
                    "Ask who takes turns as host: opening the room, making coffee, greeting "
                    "newcomers."
                ),
            ),
            Item(
                "m3_contact_person",
                _("Start the contact person's turn: the member the contact point can reach."),
            ),
            Item(
                "m3_room",
                _(
                    "Talk about what the group does if one person takes up a lot of room. It is "
                    "everyone's task, not one person's."
                ),
            ),
        ),
    ),
    GuideMeeting(
        4,
        _("The fourth meeting: talking about the step-back"),
        _(
            "Say when you plan to step back, and talk about what the group needs to manage "
            "on its own. Nobody takes over your role: the members share it."
        ),
        (
            Item("m4_date", _("Tell the group at which meeting you will step back.")),
            Item(
                "m4_together",
                _(
                    "Show how the group decides together on the platform: anyone can propose a "
                    "pause, a new time or place, or to end the group, and everyone answers."
                ),
            ),
            Item(
                "m4_support",
                _(
                    "Tell the members how to reach you and the contact point for support "
                    "afterwards."
                ),
            ),
        ),
    ),
    GuideMeeting(
        5,
        _("The fifth meeting: stepping back"),
        _(
            "Round off your part well. You make yourself unnecessary: that is the sign of a "
            "good start."
        ),
        (
            Item(
                "m5_round",
                _("Hold a round on how the start has been and what the group wants to keep doing."),
            ),
            Item(
                "m5_counts",
                _("Make sure the meetings held have their count of how many came recorded."),
            ),
            Item(
                "m5_step_back",
                _(
                    "Step back on the group's page. The group then runs itself, and you stay a "
                    "follow-up contact."
                ),
            ),
        ),
    ),
)

ITEM_KEYS = frozenset(item.key for meeting in MEETINGS for item in meeting.items)
