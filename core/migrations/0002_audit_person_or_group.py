"""Audit rows name the person or the group, never both.

Rows written before the rule (``core.services.audit`` refuses the pair now)
keep what happened and to which group; the actor goes. The lists are the
values of the day this migration was written: a migration keeps them.
"""

from django.db import migrations
from django.db.models import Q

# Records that belong to a group (``core.models.names_group`` on that day).
GROUP_TARGETS = (
    "decisions.answer",
    "decisions.proposal",
    "groups.group",
    "groups.groupinvitation",
    "groups.hostturn",
    "groups.initiatorinvitation",
    "groups.membership",
    "groups.startchecklisttick",
    "groups.supportrequest",
    "joining.groupnotice",
    "joining.joinrequest",
    "joining.waitinglistentry",
    "meetings.absence",
    "meetings.meeting",
    "meetings.reminderoptout",
    "pledges.grouppledgelines",
    "pledges.pledgesignature",
)
GROUP_KEYS = ("group", "membership", "meeting")


def forget_actors_beside_groups(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    names_group = Q(target_type__in=GROUP_TARGETS)
    for key in GROUP_KEYS:
        names_group |= Q(data__has_key=key)
    AuditEvent.objects.using(schema_editor.connection.alias).filter(
        names_group, actor__isnull=False
    ).update(actor=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(forget_actors_beside_groups, migrations.RunPython.noop, elidable=True)
    ]
