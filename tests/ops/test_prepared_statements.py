"""On PostgreSQL, a statement a connection runs again and again is prepared: parsed and
planned once (settings: server-side binding, DB_PREPARE_THRESHOLD)."""

import pytest
from django.conf import settings
from django.db import connection

from echo_hub.lib.queries import one_or_none
from sessions.models import Program
from tests.conftest import require_postgresql
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_lookup_every_page_makes_is_prepared_after_a_few_runs_and_answers_as_before():
    require_postgresql("prepared statements are PostgreSQL's")
    threshold = settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold") or 5
    programs = [ProgramFactory() for _ in range(threshold + 2)]
    marker = 'FROM "echo_sessions_program" WHERE "echo_sessions_program"."slug" = $1'

    found = [one_or_none(Program.objects.filter(slug=program.slug)) for program in programs]

    assert found == programs
    assert one_or_none(Program.objects.filter(slug="no-such-program")) is None
    assert [statement for statement in _prepared() if marker in statement]
