from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("echo_sessions", "0007_program_credit_settings_moved_to_cpd")]
AFTER = [("echo_sessions", "0009_join_minutes_become_provisional")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrator(transactional_db):
    """Migrates as a test asks, then back to the latest state for the tests after it."""
    yield _migrate
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_join_click_minutes_become_provisional_and_other_sources_verified(migrator):
    old = migrator(BEFORE)
    User = old.get_model("accounts", "User")
    Program = old.get_model("echo_sessions", "Program")
    Session = old.get_model("echo_sessions", "Session")
    Attendance = old.get_model("echo_sessions", "Attendance")
    program = Program.objects.create(name="Chronic Pain", slug="chronic-pain")
    start = timezone.now() - timedelta(days=7)
    session = Session.objects.create(
        program=program, title="Session 1", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    joined_at = start - timedelta(minutes=13)
    for email, source, joined in [
        ("join@example.org", "join", joined_at),
        ("roster@example.org", "roster", None),
        ("report@example.org", "report", joined_at),
        ("adjusted@example.org", "adjusted", None),
        ("claim@example.org", "claim", None),
    ]:
        user = User.objects.create(email=email, full_name=email)
        Attendance.objects.create(session=session, user=user, minutes=120, source=source, joined_at=joined)

    new = migrator(AFTER)

    Attendance = new.get_model("echo_sessions", "Attendance")
    SessionJoin = new.get_model("echo_sessions", "SessionJoin")
    assert sorted(Attendance.objects.values_list("user__email", "minutes", "verified")) == [
        ("adjusted@example.org", 120, True),
        ("claim@example.org", 120, True),
        ("join@example.org", 120, False),
        ("report@example.org", 120, True),
        ("roster@example.org", 120, True),
    ]
    assert sorted(SessionJoin.objects.values_list("user__email", "joined_at")) == [
        ("join@example.org", joined_at),
        ("report@example.org", joined_at),
    ]
