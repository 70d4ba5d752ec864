"""Messages about certificates and surveys sent before Notification.scope existed: scope them
by their program (after the sessions backfill, which guessed some from the recipient)."""

from django.db import migrations
from django.db.models.functions import Coalesce

from echo_hub.notifications.backfill import scope_by_object_key


def backfill(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Certificate = apps.get_model("cpd", "Certificate")
    Survey = apps.get_model("cpd", "Survey")

    def certificate_scopes(ids):
        rows = (
            Certificate.objects.filter(pk__in=ids)
            .annotate(program_id=Coalesce("session__program_id", "cycle__program_id"))
            .values_list("pk", "program_id")
        )
        return {pk: f"program:{p}" for pk, p in rows}

    def survey_scopes(ids):
        rows = Survey.objects.filter(pk__in=ids).values_list("pk", "cycle__program_id")
        return {pk: f"program:{p}" for pk, p in rows}

    scope_by_object_key(Notification, "certificate", certificate_scopes)
    scope_by_object_key(Notification, "survey", survey_scopes)


class Migration(migrations.Migration):

    dependencies = [
        ("cpd", "0004_certificate_render_attempts"),
        ("echo_sessions", "0006_notification_scope_backfill"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
