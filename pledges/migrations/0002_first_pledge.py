"""The first published confidentiality pledge, in Bokmål and English."""

from django.db import migrations
from django.utils import timezone

TEXT_NB = """Jeg lover å holde det som blir sagt i gruppa, i gruppa.

Jeg forteller ikke videre hvem som er med i gruppa, eller hva andre har delt, verken muntlig, skriftlig eller på nett. Det gjelder også etter at jeg har sluttet i gruppa.

Jeg kan fortelle om mine egne erfaringer fra gruppa, men aldri slik at noen andre kan kjennes igjen.

Jeg vet at taushetserklæringen er det gruppa bygger tilliten sin på, og at de andre har lovet det samme til meg."""

TEXT_EN = """I promise that what is said in the group stays in the group.

I do not tell anyone who takes part in the group or what others have shared, in speech, in writing or online. This also applies after I have left the group.

I may talk about my own experiences from the group, but never in a way that lets anyone recognise someone else.

I know that this pledge is what the group's trust is built on, and that the others have promised me the same."""


def create(apps, schema_editor):
    Pledge = apps.get_model("pledges", "Pledge")
    Pledge.objects.get_or_create(
        version=1,
        defaults={"text_nb": TEXT_NB, "text_en": TEXT_EN, "published_at": timezone.now()},
    )


def remove(apps, schema_editor):
    apps.get_model("pledges", "Pledge").objects.filter(version=1, signatures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
