"""Certificates issued before supersession existed stay valid and current."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

BEFORE = [
    ("cpd", "0007_credit_types_from_program_settings"),
    ("echo_sessions", "0009_join_minutes_become_provisional"),
]
AFTER = [("echo_sessions", "0011_cycle_closed_early"), ("cpd", "0009_certificate_superseded")]


def _migrate(targets):
    for target in targets:
        MigrationExecutor(connection).migrate([target])
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_issued_certificates_stay_valid_current_and_one_per_session():
    old = _migrate(BEFORE)
    Program, Session = old.get_model("echo_sessions", "Program"), old.get_model("echo_sessions", "Session")
    program = Program.objects.create(name="Chronic Pain", slug="chronic-pain")
    session = Session.objects.create(
        program=program, title="Session 1", starts_at="2025-09-10T16:00Z", ends_at="2025-09-10T18:00Z"
    )
    user = UserFactory(email="fp@example.org")
    old.get_model("cpd", "Certificate").objects.create(
        user_id=user.pk,
        session=session,
        kind="session",
        credits=Decimal("1.75"),
        code="kept-code",
        issue_number=2,
    )

    new = _migrate(AFTER)

    Certificate = new.get_model("cpd", "Certificate")
    certificate = Certificate.objects.get()
    assert (
        certificate.code,
        certificate.status,
        certificate.credits,
        certificate.issue_number,
        certificate.superseded_at,
        certificate.superseded_by_id,
    ) == ("kept-code", "valid", Decimal("1.75"), 2, None, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            user_id=user.pk, session_id=session.pk, kind="session", credits=1, code="x"
        )
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
