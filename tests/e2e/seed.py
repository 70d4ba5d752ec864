"""The initial seed of the browser journeys: accounts and a program, made with the factories.

Everything after the seed happens through the browser.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.utils import timezone

from sessions.models import Role
from tests.factories import EnrollmentFactory, ProgramFactory, SessionFactory, UserFactory

PROGRAM_NAME = "Chronic Pain & Opioid Stewardship"
JOIN_URL = "https://video.example.org/j/8123456789"


def person(email: str, **fields):
    """A user who signed up earlier and verified their email (login requires it)."""
    user = UserFactory(email=email, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def hub_program(**fields):
    return ProgramFactory(
        name=PROGRAM_NAME,
        slug="chronic-pain",
        summary="Weekly case-based learning on chronic pain and safer opioid prescribing.",
        is_open_for_enrollment=True,
        default_join_url=JOIN_URL,
        **fields,
    )


def coordinator(program=None, email="coord@example.org"):
    user = person(email, full_name="Claire Coordinator")
    user.user_permissions.add(Permission.objects.get(codename="add_program"))
    if program is not None:
        EnrollmentFactory(program=program, user=user, role=Role.COORDINATOR)
    return user


def expert(program, email="expert@example.org"):
    user = person(email, full_name="Dr. Evan Expert", credentials="MD, CCFP")
    EnrollmentFactory(program=program, user=user, role=Role.EXPERT)
    return user


def session_at(program, *, starts_in: timedelta, title: str, minutes: int = 120, **fields):
    starts_at = timezone.now().replace(microsecond=0) + starts_in
    return SessionFactory(
        program=program,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        join_url=JOIN_URL,
        **fields,
    )
