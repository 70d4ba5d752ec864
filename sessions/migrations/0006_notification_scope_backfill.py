"""Messages sent before Notification.scope existed: scope those of sessions, enrollments and
invitations by their program, and the rest by the recipient's program when they have one only.
The cases and cpd migrations that follow scope their own messages more precisely."""

from django.db import migrations
from django.db.models import Count

from echo_hub.notifications.backfill import scope_by_object_key, scope_unscoped_by_recipient


def _program_scopes(model):
    def scopes_of(ids):
        rows = model.objects.filter(pk__in=ids).values_list("pk", "program_id")
        return {pk: f"program:{program_id}" for pk, program_id in rows}

    return scopes_of


def backfill(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Enrollment = apps.get_model("echo_sessions", "Enrollment")
    for prefix, model_name in [("session", "Session"), ("enrollment", "Enrollment"), ("invitation", "Invitation")]:
        scope_by_object_key(Notification, prefix, _program_scopes(apps.get_model("echo_sessions", model_name)))
    one_program = Enrollment.objects.values("user_id").annotate(n=Count("pk")).filter(n=1).values("user_id")
    scope_unscoped_by_recipient(
        Notification,
        {
            user_id: f"program:{program_id}"
            for user_id, program_id in Enrollment.objects.filter(user_id__in=one_program).values_list(
                "user_id", "program_id"
            )
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ("echo_sessions", "0005_invitation_expiry_revoke"),
        ("notifications", "0004_notification_scope"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
