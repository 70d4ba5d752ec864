"""Signed-in browsers are described by allauth.usersessions now: copy each live row over, so
the Security page keeps listing devices signed in before the change, then drop our table."""

from django.db import migrations


def copy_to_allauth(apps, schema_editor):
    ours = apps.get_model("accounts", "UserSession")
    allauths = apps.get_model("usersessions", "UserSession")
    allauths.objects.bulk_create(
        [
            allauths(
                user_id=row.user_id,
                session_key=row.session_key,
                # allauth requires an address; ours was unknown when a forwarding header was bad.
                ip=row.ip or "0.0.0.0",
                user_agent=row.user_agent,
                created_at=row.created,
                last_seen_at=row.last_seen,
            )
            for row in ours.objects.iterator()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_session"),
        ("usersessions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_allauth, migrations.RunPython.noop),
        migrations.DeleteModel(name="UserSession"),
    ]
