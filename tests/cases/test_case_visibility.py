"""The case page's check of one case (permissions.may_read) gives visible_cases' answer for
every role, status, presenter and pending identifier override."""

import itertools

import pytest

from cases.models import Case, IdentifierOverride
from cases.permissions import get_case_for_user, visible_cases
from sessions.models import Enrollment, Role
from tests.factories import CaseFactory, EnrollmentFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = ["coordinator", "expert", "participant", "pending", "other_program", "stranger", "superuser"]


def test_the_case_page_check_agrees_with_visible_cases_everywhere():
    program, other = ProgramFactory(), ProgramFactory()
    people = {
        "coordinator": EnrollmentFactory(program=program, role=Role.COORDINATOR).user,
        "expert": EnrollmentFactory(program=program, role=Role.EXPERT).user,
        "participant": EnrollmentFactory(program=program, role=Role.PARTICIPANT).user,
        "pending": EnrollmentFactory(program=program, status=Enrollment.Status.PENDING).user,
        "other_program": EnrollmentFactory(program=other, role=Role.COORDINATOR).user,
        "stranger": UserFactory(),
        "superuser": UserFactory(is_superuser=True),
    }
    cases = []
    for status, presenter, waiting in itertools.product(Case.Status.values, [*PEOPLE, None], (False, True)):
        author = people[presenter] if presenter else EnrollmentFactory(program=program).user
        case = CaseFactory(program=program, presenter=author, status=status)
        if waiting:
            IdentifierOverride.objects.create(
                case=case, field="main_concern", reason="A drug name", created_by=author
            )
        cases.append(case)
    checked = 0
    for name, user in people.items():
        user = type(user).objects.get(pk=user.pk)
        visible = set(visible_cases(user).values_list("pk", flat=True))
        for case in cases:
            try:
                get_case_for_user(user, case.pk)
                seen = True
            except Exception as exc:
                assert type(exc).__name__ == "Http404", exc
                seen = False
            assert seen == (case.pk in visible), (name, case.status, case.presenter_id == user.pk)
            checked += 1
    assert checked == len(PEOPLE) * len(cases)
    assert 0 < len(visible_cases(people["expert"])) < len(cases)
