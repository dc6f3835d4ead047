# Reminder preferences and opt-outs move here from the notifications app
# (its 0003). The tables keep their names (``db_table``) and every row: only
# the migration state changes. The content types follow, so that anything
# pointing at them (permissions, admin log entries) stays attached.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("reminderpreference", "reminderoptout")


def _move_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "notifications", "meetings")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "meetings", "notifications")


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0008_meeting_schedule'),
        ('meetings', '0002_recorded_index'),
        ('notifications', '0003_reminders_move_to_meetings'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReminderOptOut',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('membership', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_opt_out', to='groups.membership', verbose_name='membership')),
                    ],
                    options={
                        'verbose_name': 'reminder opt-out',
                        'verbose_name_plural': 'reminder opt-outs',
                        'db_table': 'notifications_reminderoptout',
                    },
                ),
                migrations.CreateModel(
                    name='ReminderPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('lead_hours', models.PositiveSmallIntegerField(choices=[(2, '2 hours before'), (6, '6 hours before'), (12, '12 hours before'), (24, '24 hours before'), (48, '48 hours before')], default=24, verbose_name='remind me')),
                        ('channel', models.CharField(choices=[('email', 'E-mail'), ('sms', 'Text message (SMS)'), ('both', 'E-mail and text message')], default='email', max_length=8, verbose_name='send reminders by')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_preference', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'reminder preference',
                        'verbose_name_plural': 'reminder preferences',
                        'db_table': 'notifications_reminderpreference',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
