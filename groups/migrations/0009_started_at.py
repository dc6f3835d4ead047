"""``Group.started_at``, and both lifecycle times filled in from the audit trail.

The statistics read when a group started its first meetings and when it
began to run itself from the group row. Until now the start was only in the
audit rows (``group.start``), whose target id retention blanks after 180
days, so this copies it while the rows still name their group. ``self_run_at``
has been on the row since the set-up; it is filled from
``group.become_self_run`` only where it is empty. The latest event wins, as
the statistics read it before. Plain ORM reads and batched updates, so it
runs the same on SQLite and PostgreSQL.
"""

from django.db import migrations, models

BATCH = 500
# The stored names of ``core.AuditEvent.Event.GROUP_START`` and
# ``GROUP_BECOME_SELF_RUN``: a migration keeps the values it was written with.
FILLS = (("started_at", "group.start"), ("self_run_at", "group.become_self_run"))


def fill_from_audit_rows(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    AuditEvent = apps.get_model("core", "AuditEvent")
    db = schema_editor.connection.alias
    for field, event in FILLS:
        latest = {}
        rows = (
            AuditEvent.objects.using(db)
            .filter(event=event, target_type="groups.group")
            .exclude(target_id="")
            .order_by("created_at", "pk")
            .values_list("target_id", "created_at")
        )
        for target_id, created_at in rows.iterator(chunk_size=2000):
            if target_id.isdigit():
                latest[int(target_id)] = created_at
        ids = sorted(latest)
        for start in range(0, len(ids), BATCH):
            groups = list(
                Group.objects.using(db)
                .filter(pk__in=ids[start : start + BATCH], **{f"{field}__isnull": True})
                .only("pk", field)
            )
            for group in groups:
                setattr(group, field, latest[group.pk])
            Group.objects.using(db).bulk_update(groups, [field])


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_meeting_schedule"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="started_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="first meetings started"
            ),
        ),
        migrations.RunPython(fill_from_audit_rows, migrations.RunPython.noop, elidable=True),
    ]
