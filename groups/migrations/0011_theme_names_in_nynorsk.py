"""Nynorsk as a third language: the themes' names in Nynorsk, and Nynorsk
among the languages a group can give.

Names are filled in only where they are empty, so a name an administrator
has written already stays. Reversing empties none: the field goes.
"""

from django.db import migrations, models

# slug: Nynorsk name, for the themes of 0003_themes.
NAMES_NN = {
    "angst": "Angst",
    "depresjon": "Depresjon og nedstemdheit",
    "sorg": "Sorg etter dødsfall",
    "etterlatte-selvmord": "Etterlatne etter sjølvmord",
    "samlivsbrudd": "Samlivsbrot",
    "ensomhet": "Einsemd",
    "selvfolelse": "Sjølvkjensle og sjølvbilete",
    "parorende": "Pårørande",
    "parorende-rus": "Pårørande til rus og avhengigheit",
    "avhengighet": "Avhengigheit",
    "kronisk-sykdom": "Kronisk sjukdom og smerte",
    "me-utmattelse": "ME og utmatting",
    "utbrenthet": "Utbrentheit og stress",
    "spiseforstyrrelser": "Eteforstyrringar",
    "traumer-vold": "Traume og vald",
    "overgangsfaser": "Overgangsfasar i livet",
    "blandet": "Blanda tema",
}


def fill(apps, schema_editor):
    Theme = apps.get_model("groups", "Theme")
    db = schema_editor.connection.alias
    for slug, name in NAMES_NN.items():
        Theme.objects.using(db).filter(slug=slug, name_nn="").update(name_nn=name)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0010_initiators_and_start_checklist"),
    ]

    operations = [
        migrations.AddField(
            model_name="theme",
            name="name_nn",
            field=models.CharField(
                blank=True,
                help_text="Empty: readers of Nynorsk see the Bokmål name.",
                max_length=80,
                verbose_name="name (Nynorsk)",
            ),
        ),
        migrations.AlterField(
            model_name="group",
            name="language",
            field=models.CharField(
                choices=[
                    ("nb", "Norwegian Bokmål"),
                    ("nn", "Norwegian Nynorsk"),
                    ("en", "English"),
                ],
                default="nb",
                max_length=5,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
