"""Nynorsk as a third language: the first pledge in Nynorsk.

Only version 1, the text of 0002_first_pledge, and only while its Nynorsk
text is empty. A version an administrator writes later gets its Nynorsk
text in the admin; until then readers of Nynorsk see the Bokmål text.
"""

from django.db import migrations, models

TEXT_NN = """Eg lovar å halde det som blir sagt i gruppa, i gruppa.

Eg fortel ikkje vidare kven som er med i gruppa, eller kva andre har delt, verken munnleg, skriftleg eller på nett. Det gjeld òg etter at eg har slutta i gruppa.

Eg kan fortelje om mine eigne erfaringar frå gruppa, men aldri slik at nokon andre kan kjennast att.

Eg veit at teieplikterklæringa er det gruppa byggjer tilliten sin på, og at dei andre har lova det same til meg."""


def fill(apps, schema_editor):
    Pledge = apps.get_model("pledges", "Pledge")
    db = schema_editor.connection.alias
    Pledge.objects.using(db).filter(version=1, text_nn="").update(text_nn=TEXT_NN)


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0002_first_pledge"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="text_nn",
            field=models.TextField(
                blank=True,
                help_text="Empty: readers of Nynorsk see the Bokmål text.",
                verbose_name="text (Nynorsk)",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
