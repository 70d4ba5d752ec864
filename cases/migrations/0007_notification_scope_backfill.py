"""Messages about cases and letters sent before Notification.scope existed: scope them by the
case's program (after the sessions backfill, which guessed some from the recipient)."""

from django.db import migrations

from echo_hub.notifications.backfill import scope_by_object_key


def backfill(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Case = apps.get_model("cases", "Case")
    RecommendationLetter = apps.get_model("cases", "RecommendationLetter")

    def case_scopes(ids):
        return {pk: f"program:{p}" for pk, p in Case.objects.filter(pk__in=ids).values_list("pk", "program_id")}

    def letter_scopes(ids):
        rows = RecommendationLetter.objects.filter(pk__in=ids).values_list("pk", "case__program_id")
        return {pk: f"program:{p}" for pk, p in rows}

    scope_by_object_key(Notification, "case", case_scopes)
    scope_by_object_key(Notification, "letter", letter_scopes)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_letter_render_attempts"),
        ("echo_sessions", "0006_notification_scope_backfill"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
