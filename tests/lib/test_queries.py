"""one_or_none: the row of a unique key, read without ordering anything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from echo_hub.lib.queries import one_or_none
from sessions.models import Enrollment
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_the_row_or_none_with_no_order_by_even_for_a_model_with_an_ordering():
    assert Enrollment._meta.ordering  # .first() would order by it
    enrollment = EnrollmentFactory()
    mine = Enrollment.objects.filter(user=enrollment.user, program=enrollment.program)

    with CaptureQueriesContext(connection) as ctx:
        found = one_or_none(mine.select_related("program"))
        missing = one_or_none(mine.filter(status=Enrollment.Status.REMOVED))

    assert found == enrollment and found.program == enrollment.program
    assert missing is None
    assert len(ctx.captured_queries) == 2
    for query in ctx.captured_queries:
        assert "ORDER BY" not in query["sql"].upper()
        assert query["sql"].rstrip().upper().endswith("LIMIT 1")
