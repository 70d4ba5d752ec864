"""Existing join-click minutes become provisional attendance: a click on Join says when
someone opened the meeting, not how long they stayed. Every other source was recorded by a
coordinator or a participant report and is verified. Each join time is kept as a SessionJoin.
Certificates already issued are left as they are."""

from django.db import migrations, models


def join_minutes_become_provisional(apps, schema_editor):
    Attendance = apps.get_model("echo_sessions", "Attendance")
    SessionJoin = apps.get_model("echo_sessions", "SessionJoin")
    Attendance.objects.exclude(source="join").update(verified=True)
    Attendance.objects.filter(source="join").update(verified=False)
    joins = Attendance.objects.filter(joined_at__isnull=False).values_list("session_id", "user_id", "joined_at")
    SessionJoin.objects.bulk_create(
        [SessionJoin(session_id=s, user_id=u, joined_at=at) for s, u, at in joins.iterator()],
        batch_size=1000,
        ignore_conflicts=True,
    )


def back(apps, schema_editor):
    apps.get_model("echo_sessions", "SessionJoin").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("echo_sessions", "0008_attendance_verified_session_join")]

    operations = [
        migrations.RunPython(join_minutes_become_provisional, back),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(("verified", True), ("source", "join"), _connector="OR"),
                name="attendance_only_join_is_provisional",
            ),
        ),
    ]
