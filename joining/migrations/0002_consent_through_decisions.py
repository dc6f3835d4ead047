"""Consent to a new member moves to ``decisions``: every join request that all
members had to agree to becomes a consent proposal, and each member's answer
(``Consent``) an answer to it. Then ``Consent`` goes."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


PROPOSAL_STATUS = {
    "pending": "open",
    "accepted": "passed",
    "declined": "lapsed",
    "expired": "lapsed",
    "withdrawn": "withdrawn",
}


def consents_to_proposals(apps, schema_editor):
    JoinRequest = apps.get_model("joining", "JoinRequest")
    Consent = apps.get_model("joining", "Consent")
    Proposal = apps.get_model("decisions", "Proposal")
    Answer = apps.get_model("decisions", "Answer")
    requests = JoinRequest.objects.filter(decider="all_members", consent__isnull=True)
    for request in requests.order_by("pk").iterator():
        status = PROPOSAL_STATUS[request.status]
        deadline = request.consent_deadline or request.created_at + datetime.timedelta(days=7)
        proposal = Proposal.objects.create(
            group_id=request.group_id,
            kind="admit",
            status=status,
            deadline=deadline,
            decided_at=None if status == "open" else (request.decided_at or deadline),
        )
        Proposal.objects.filter(pk=proposal.pk).update(created_at=request.created_at)
        for consent in Consent.objects.filter(join_request=request).order_by("pk"):
            answer = Answer.objects.create(
                proposal=proposal, membership_id=consent.membership_id, agrees=consent.agrees
            )
            Answer.objects.filter(pk=answer.pk).update(created_at=consent.created_at)
        request.consent = proposal
        request.save(update_fields=["consent"])


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0001_initial'),
        ('groups', '0009_started_at'),
        ('joining', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='joinrequest',
            name='consent',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='join_request', to='decisions.proposal', verbose_name='put to the members'),
        ),
        migrations.RunPython(consents_to_proposals, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='waitinglistentry',
            name='joining_waiting_once_per_group',
        ),
        migrations.RemoveConstraint(
            model_name='waitinglistentry',
            name='joining_offer_has_expiry',
        ),
        migrations.AddField(
            model_name='waitinglistentry',
            name='consent',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='waiting_list_entry', to='decisions.proposal', verbose_name='put to the members'),
        ),
        migrations.AlterField(
            model_name='joinrequest',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting for an answer'), ('accepted', 'Welcome in the group'), ('declined', 'Not this time'), ('withdrawn', 'Withdrawn'), ('expired', 'Not this time')], default='pending', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='waitinglistentry',
            name='status',
            field=models.CharField(choices=[('waiting', 'Waiting'), ('offered', 'Offered a seat'), ('asked', "Waiting for the group's answer"), ('accepted', 'Took the seat'), ('declined', 'Said no thanks'), ('expired', 'Not this time'), ('withdrawn', 'Left the waiting list')], default='waiting', max_length=10, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='waitinglistentry',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['waiting', 'offered', 'asked'])), fields=('group', 'user'), name='joining_on_the_list_once_per_group'),
        ),
        migrations.AddConstraint(
            model_name='waitinglistentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['offered', 'asked']), _negated=True), ('offer_expires_at__isnull', False), _connector='OR'), name='joining_held_seat_has_expiry'),
        ),
        migrations.DeleteModel(
            name='Consent',
        ),
    ]
