"""Nynorsk among the languages a person can choose on their profile."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
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
    ]
