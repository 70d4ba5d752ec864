"""The credit settings live in cpd now (CreditType, Accreditation): 0007 there copied them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('echo_sessions', '0006_notification_scope_backfill'),
        ('cpd', '0007_credit_types_from_program_settings'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='program',
            name='accreditation_statement',
        ),
        migrations.RemoveField(
            model_name='program',
            name='credit_type_label',
        ),
        migrations.RemoveField(
            model_name='program',
            name='credits_per_hour',
        ),
        migrations.RemoveField(
            model_name='program',
            name='hub_name',
        ),
        migrations.RemoveField(
            model_name='program',
            name='other_professions_statement',
        ),
    ]
