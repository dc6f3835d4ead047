# Reminder preferences and opt-outs move to the meetings app. Only Django's
# idea of which app owns them changes: the tables keep their names and rows
# (see meetings 0003, which takes them over).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_reminders_and_bounces'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='reminderpreference',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='ReminderOptOut',
                ),
                migrations.DeleteModel(
                    name='ReminderPreference',
                ),
            ],
            database_operations=[],
        ),
    ]
