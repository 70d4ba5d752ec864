from datetime import timedelta

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import sessions.models

# Invitations sent before expiry existed last 14 days from when they were sent; accepted ones
# are already used (accepted_at is set), so replaying them is refused.
EXISTING_EXPIRY = timedelta(days=14)


def date_existing_invitations(apps, schema_editor):
    Invitation = apps.get_model("echo_sessions", "Invitation")
    Invitation.objects.update(
        sent_at=models.F("created_at"), expires_at=models.F("created_at") + EXISTING_EXPIRY
    )


class Migration(migrations.Migration):
    dependencies = [
        ("echo_sessions", "0004_enrollment_status_removed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="sent_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(date_existing_invitations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitation",
            name="sent_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="expires_at",
            field=models.DateTimeField(default=sessions.models.invitation_expiry),
        ),
        migrations.AddField(
            model_name="invitation",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(fields=["program", "expires_at"], name="invitation_program_expires"),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.CheckConstraint(
                condition=models.Q(("accepted_at__isnull", True), ("revoked_at__isnull", True), _connector="OR"),
                name="invitation_accepted_or_revoked_not_both",
            ),
        ),
    ]
