"""Every group gets an opaque address for its inside pages.

Added without the unique index first, filled row by row with its own random
token (a callable default in AddField gives every existing row the same
value), then made unique.
"""

import secrets

from django.db import migrations, models

import groups.models


def fill_tokens(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    for group in Group.objects.filter(inside_token__isnull=True).only("pk").iterator():
        Group.objects.filter(pk=group.pk).update(inside_token=secrets.token_urlsafe(12))


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0011_theme_names_in_nynorsk"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="inside_token",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="group",
            name="inside_token",
            field=models.CharField(
                default=groups.models.inside_token_new,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="inside address",
            ),
        ),
    ]
