"""The benchmarks run only under `make bench`, so a model rule that one of their data builders
breaks (a check constraint, a new required field) went unseen until the next bench run. The
builders that fit a test run here, small, through the same services the benches time."""

import pytest

from cpd.models import Certificate
from cpd.services import bulk_issue_for_session
from tests.bench.test_certificate_workers_bench import _session_with_earned_credits

pytestmark = pytest.mark.django_db


def test_the_certificate_bench_builds_attendance_that_earns_a_certificate_each():
    session = _session_with_earned_credits(3)

    assert bulk_issue_for_session(session=session) == {"issued": 3, "existing": 0}
    assert Certificate.objects.filter(session=session).count() == 3
