"""factory_boy factories shared by all tests."""

from __future__ import annotations

import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone

from accounts.models import User
from groups.models import Group, Membership, SupportRequest, Theme
from organisations.models import ContactPoint, District, StaffRole
from places.models import Fylke, Kommune
from pledges.models import GroupPledgeLines, Pledge, PledgeSignature


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")
    language = "nb"

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """A verified primary e-mail address, as allauth expects after sign-up."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)
        if create:
            self.save()


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"distrikt-{n}")
    name = factory.Sequence(lambda n: f"Distriktskontor {n}")
    office_town = "Oslo"


class FylkeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fylke
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: f"{80 + n % 20:02d}")
    name = factory.Sequence(lambda n: f"Fylke {n}")
    district = factory.SubFactory(DistrictFactory)


class KommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kommune
        django_get_or_create = ["number"]

    # Stays within 9000-9999: four characters, clear of the real numbers.
    number = factory.Sequence(lambda n: f"{9000 + n % 1000}")
    name = factory.Sequence(lambda n: f"Kommune {n}")
    fylke = factory.SubFactory(FylkeFactory)
    latitude = 59.91
    longitude = 10.75


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    slug = factory.Sequence(lambda n: f"kontaktpunkt-{n}")
    name = factory.Sequence(lambda n: f"Frisklivssentralen {n}")
    kind = ContactPoint.Kind.FRISKLIVSSENTRAL
    kommune = factory.SubFactory(KommuneFactory)
    public_email = "kontakt@example.org"
    public_phone = "+47 22 00 00 00"  # as people write it


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"tema-{n}")
    name_nb = factory.Sequence(lambda n: f"Tema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    slug = factory.Sequence(lambda n: f"gruppe-{n}")
    name = factory.Sequence(lambda n: f"Tirsdagsgruppa {n}")
    theme = factory.SubFactory(ThemeFactory)
    description = "En samtalegruppe."
    contact_point = factory.SubFactory(ContactPointFactory)
    kommune = factory.SelfAttribute("contact_point.kommune")
    area = "Sentrum"
    place = "Frivilligsentralen, møterom 2"
    state = Group.State.FORMING
    weekday = Group.Weekday.TUESDAY
    start_time = datetime.time(18, 0)
    latitude = 59.91
    longitude = 10.75


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def pledge_signed(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """``MembershipFactory(pledge_signed=True)``: past the pledge gate."""
        if create and extracted:
            PledgeSignatureFactory(membership=self)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    kind = StaffRole.Kind.CONTACT_POINT_STAFF
    contact_point = factory.SubFactory(ContactPointFactory)
    district = None


def give_totp(user: User) -> Authenticator:
    """Activate TOTP for ``user`` the way allauth stores it."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    return TOTP.activate(user, generate_totp_secret()).instance


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    group = factory.SubFactory(GroupFactory)
    author = factory.SubFactory(UserFactory)
    message = "Vi trenger støtte."


class PledgeFactory(factory.django.DjangoModelFactory):
    """A published national pledge version (``published_at=None`` for a draft)."""

    class Meta:
        model = Pledge

    version = factory.Sequence(lambda n: 100 + n)
    text_nb = factory.Sequence(lambda n: f"Jeg lover å tie om det som sies i gruppa ({n}).")
    text_en = factory.Sequence(lambda n: f"I promise to keep what is said in the group ({n}).")
    published_at = factory.LazyFunction(timezone.now)


def current_pledge() -> Pledge:
    """The current published pledge: the data migration's, or a new one.

    Transactional tests (the browser tests) flush the database, the migration's
    row included, so tests that need a pledge ask for it through here.
    """
    return Pledge.objects.current() or PledgeFactory(version=1)


class PledgeSignatureFactory(factory.django.DjangoModelFactory):
    """A signature of the current pledge and the group's current lines."""

    class Meta:
        model = PledgeSignature

    membership = factory.SubFactory(MembershipFactory)
    pledge = factory.LazyFunction(current_pledge)
    group_lines_revision = factory.LazyAttribute(
        lambda o: (
            GroupPledgeLines.objects.filter(group=o.membership.group)
            .values_list("revision", flat=True)
            .first()
            or 0
        )
    )
    typed_name = factory.LazyAttribute(lambda o: o.membership.user.display_name)


def signed(membership: Membership) -> Membership:
    """``membership``, having signed the current pledge (made if none is published)."""
    PledgeSignatureFactory(membership=membership)
    return membership


def ready_to_run_itself(group: Group, *, members: int = 3, meetings: int = 1) -> Group:
    """``group`` starting for a month, with ``members`` counted and ``meetings`` held.

    With the defaults its last initiator may step back (``SELVHJELP_SELF_RUN_MIN_*``).
    """
    import datetime

    from meetings.models import Meeting

    started = timezone.now() - datetime.timedelta(days=30)
    Group.objects.filter(pk=group.pk).update(
        state=Group.State.STARTING, state_changed_at=started, member_count=members
    )
    for week in range(meetings):
        at = started + datetime.timedelta(days=7 * (week + 1))
        Meeting.objects.create(
            group=group,
            occurrence=at,
            starts_at=at,
            ends_at=at + datetime.timedelta(hours=2),
            attendance=members,
        )
    group.refresh_from_db()
    return group
