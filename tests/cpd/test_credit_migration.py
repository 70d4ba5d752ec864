"""Programs' old credit fields become a credit type and accreditation details; issued
certificates keep what they printed."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

BEFORE = [
    ("cpd", "0006_credit_types_and_accreditation"),
    ("echo_sessions", "0006_notification_scope_backfill"),
]
AFTER = [
    ("cpd", "0007_credit_types_from_program_settings"),
    ("echo_sessions", "0007_program_credit_settings_moved_to_cpd"),
]


def _migrate(targets):
    # One target at a time: a plan for several stops short of some apps' rollbacks.
    for target in targets:
        MigrationExecutor(connection).migrate([target])
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_program_credit_settings_become_a_credit_type_and_certificates_keep_their_words():
    old = _migrate(BEFORE)
    Program, Session = old.get_model("echo_sessions", "Program"), old.get_model("echo_sessions", "Session")
    Certificate = old.get_model("cpd", "Certificate")
    program = Program.objects.create(
        name="Chronic Pain",
        slug="chronic-pain",
        credit_type_label="Mainpro+ Certified",
        credits_per_hour=Decimal("1.50"),
        accreditation_statement="Certified for up to 32 Mainpro+ credits.",
        other_professions_statement="Others may claim their hours.",
        hub_name="ECHO Ontario",
    )
    session = Session.objects.create(
        program=program, title="Session 1", starts_at="2025-09-10T16:00Z", ends_at="2025-09-10T18:00Z"
    )
    # The users table is not part of this change: today's model writes it.
    physician = UserFactory(email="fp@example.org", profession="family_physician")
    nurse = UserFactory(email="np@example.org", profession="nurse_practitioner")
    for user in (physician, nurse):
        Certificate.objects.create(
            user_id=user.pk, session=session, kind="session", credits=Decimal("2.62"), code=user.email
        )

    new = _migrate(AFTER)

    CreditType, Accreditation = new.get_model("cpd", "CreditType"), new.get_model("cpd", "Accreditation")
    credit_type = CreditType.objects.get()
    assert (
        credit_type.name,
        credit_type.professions,
        credit_type.credits_per_hour,
        credit_type.statement,
    ) == (
        "Mainpro+ Certified",
        ["family_physician", "specialist_physician"],
        Decimal("1.50"),
        "Certified for up to 32 Mainpro+ credits.",
    )
    accreditation = Accreditation.objects.get()
    assert (accreditation.hub_name, accreditation.attendance_statement) == (
        "ECHO Ontario",
        "Others may claim their hours.",
    )
    certificates = new.get_model("cpd", "Certificate").objects.order_by("code")
    assert [(c.code, c.credits, c.credit_type_id, c.credit_name, c.statement) for c in certificates] == [
        (
            "fp@example.org",
            Decimal("2.62"),
            credit_type.pk,
            "Mainpro+ Certified",
            "Certified for up to 32 Mainpro+ credits.",
        ),
        (
            "np@example.org",
            Decimal("2.62"),
            credit_type.pk,
            "Mainpro+ Certified",
            "Others may claim their hours.",
        ),
    ]
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
