"""The data migrations give messages written before Notification.scope existed the program
that caused them: from their object key, else from a recipient who is in one program only."""

from importlib import import_module

import pytest
from django.apps import apps

from cpd.models import Survey
from echo_hub.notifications.models import Notification
from tests.factories import (
    CaseFactory,
    CertificateFactory,
    CycleFactory,
    EnrollmentFactory,
    InvitationFactory,
    NotificationFactory,
    ProgramFactory,
    RecommendationLetterFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MIGRATIONS = [
    "sessions.migrations.0006_notification_scope_backfill",
    "cases.migrations.0007_notification_scope_backfill",
    "cpd.migrations.0005_notification_scope_backfill",
]


def _message(key: str, user=None) -> Notification:
    return NotificationFactory(object_key=key, user=user, email=user.email if user else "new@example.org")


def _migrate() -> None:
    for name in MIGRATIONS:
        import_module(name).backfill(apps, None)


def _survey(program) -> Survey:
    return Survey.objects.create(cycle=CycleFactory(program=program), title="Fall survey")


def _cycle_certificate(user, program):
    return CertificateFactory(user=user, kind="cycle", session=None, cycle=CycleFactory(program=program))


def test_backfill_scopes_old_messages_by_their_object_then_by_a_single_program_recipient():
    pain, addiction = ProgramFactory(slug="pain"), ProgramFactory(slug="addiction")
    both = UserFactory(email="both@example.org")
    EnrollmentFactory(user=both, program=pain)
    in_addiction = EnrollmentFactory(user=both, program=addiction)
    pain_only = EnrollmentFactory(program=pain, user=UserFactory(email="pain-only@example.org")).user
    addiction_session = SessionFactory(program=addiction)
    addiction_case = CaseFactory(program=addiction, presenter=pain_only)
    messages = {
        "session": _message(f"session:{addiction_session.pk}:20261201T1700", both),
        "enrollment": _message(f"enrollment:{in_addiction.pk}:20261101120000", both),
        "invitation": _message(f"invitation:{InvitationFactory(program=pain).pk}"),
        "case": _message(f"case:{addiction_case.pk}:returned:1", pain_only),
        "letter": _message(f"letter:{RecommendationLetterFactory(case__program=pain).pk}", both),
        "session certificate": _message(
            f"certificate:{CertificateFactory(user=both, session=addiction_session).pk}:1", both
        ),
        "cycle certificate": _message(f"certificate:{_cycle_certificate(both, pain).pk}:2", both),
        "survey": _message(f"survey:{_survey(pain).pk}:pre", both),
        "gone, one program": _message("case:999999", pain_only),
        "gone, two programs": _message("case:999998", both),
        "not a key of ours": _message("enrollment:abc"),
    }

    _migrate()

    assert {name: Notification.objects.get(pk=m.pk).scope for name, m in messages.items()} == {
        "session": f"program:{addiction.pk}",
        "enrollment": f"program:{addiction.pk}",
        "invitation": f"program:{pain.pk}",
        "case": f"program:{addiction.pk}",
        "letter": f"program:{pain.pk}",
        "session certificate": f"program:{addiction.pk}",
        "cycle certificate": f"program:{pain.pk}",
        "survey": f"program:{pain.pk}",
        "gone, one program": f"program:{pain.pk}",
        "gone, two programs": "",
        "not a key of ours": "",
    }


def test_backfill_twice_changes_nothing_more():
    program = ProgramFactory()
    message = _message(f"session:{SessionFactory(program=program).pk}:20261201T1700")
    _migrate()

    _migrate()

    message.refresh_from_db()
    assert message.scope == f"program:{program.pk}"
