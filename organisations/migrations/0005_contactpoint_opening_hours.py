from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_staff_invitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactpoint",
            name="opening_hours",
            field=models.CharField(blank=True, max_length=200, verbose_name="opening hours"),
        ),
    ]
