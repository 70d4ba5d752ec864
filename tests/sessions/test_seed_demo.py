from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sessions.models import Attendance, Cycle, Enrollment, Program, ProgramLanguage, Role, Session

User = get_user_model()

PROGRAM_SLUG = "chronic-pain-opioid-stewardship"
DEMO_LOGINS = [
    ("coordinator", "coordinator@example.org"),
    ("expert", "expert@example.org"),
    ("spoke", "spoke@example.org"),
    ("participant", "participant@example.org"),
]


def _seed(*args: str) -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "programs": Program.objects.count(),
        "cycles": Cycle.objects.count(),
        "sessions": Session.objects.count(),
        "enrollments": Enrollment.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_prints_the_four_demo_logins():
    output = _seed()

    assert output.splitlines() == [
        "coordinator: coordinator@example.org / echo-demo-2026",
        "expert: expert@example.org / echo-demo-2026",
        "spoke: spoke@example.org / echo-demo-2026",
        "participant: participant@example.org / echo-demo-2026",
    ]


@pytest.mark.django_db
def test_seed_demo_creates_a_program_with_every_role():
    _seed()

    program = Program.objects.get(slug=PROGRAM_SLUG)
    roles = {
        e.user.email: (e.role, e.status)
        for e in Enrollment.objects.filter(
            program=program, user__email__in=[email for _, email in DEMO_LOGINS]
        )
    }
    assert roles == {
        "coordinator@example.org": (Role.COORDINATOR, Enrollment.Status.APPROVED),
        "expert@example.org": (Role.EXPERT, Enrollment.Status.APPROVED),
        "spoke@example.org": (Role.PARTICIPANT, Enrollment.Status.APPROVED),
        "participant@example.org": (Role.PARTICIPANT, Enrollment.Status.APPROVED),
    }
    assert Enrollment.objects.filter(program=program, status=Enrollment.Status.PENDING).count() == 1
    assert User.objects.get(email="coordinator@example.org").has_perm("echo_sessions.add_program") is True


@pytest.mark.django_db
def test_seed_demo_program_has_past_and_upcoming_sessions():
    _seed()

    program = Program.objects.get(slug=PROGRAM_SLUG)
    now = timezone.now()
    assert program.sessions.count() == 16
    assert program.sessions.filter(ends_at__lt=now).count() >= 1
    assert program.sessions.filter(starts_at__gt=now).count() >= 1
    assert set(program.sessions.values_list("presenter__email", flat=True)) == {"expert@example.org"}


@pytest.mark.django_db
def test_seed_demo_twice_creates_no_duplicates():
    _seed()
    first = _counts()

    output = _seed()

    assert _counts() == first
    assert len(output.splitlines()) == 4


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "email"), DEMO_LOGINS)
def test_seed_demo_logins_can_log_in(client, role, email):
    _seed()

    response = client.post(reverse("account_login"), {"login": email, "password": "echo-demo-2026"})

    user = User.objects.get(email=email)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert response.wsgi_request.user == user
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_to_run_with_debug_off():
    with pytest.raises(CommandError) as caught:
        call_command("seed_demo", stdout=StringIO())

    assert str(caught.value) == "seed_demo creates known passwords: it only runs with DEBUG=true."
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_seed_demo_refuses_negative_sizes():
    with pytest.raises(CommandError) as caught:
        _seed("--participants", "-1")

    assert str(caught.value) == "--participants and --sessions must be zero or more."
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_seed_demo_scales_up_participants_and_sessions():
    _seed()
    base = _counts()

    _seed("--participants", "30", "--sessions", "20")

    program = Program.objects.get(slug=PROGRAM_SLUG)
    assert User.objects.count() == base["users"] + 30
    assert program.sessions.count() == 20
    extra = Cycle.objects.get(program=program, name="Cycle 2")
    assert list(extra.sessions.order_by("starts_at").values_list("number", flat=True)) == [1, 2, 3, 4]
    assert (
        Enrollment.objects.filter(
            program=program, user__email__startswith="participant-", status=Enrollment.Status.APPROVED
        ).count()
        == 30
    )


@pytest.mark.django_db
def test_seed_demo_scaled_up_twice_creates_no_duplicates():
    _seed("--participants", "30", "--sessions", "20")
    first = _counts()

    _seed("--participants", "30", "--sessions", "20")

    assert _counts() == first
    assert Session.objects.filter(program__slug=PROGRAM_SLUG).count() == 20


@pytest.mark.django_db
def test_seed_demo_library_holds_the_shared_and_screened_case():
    from cases.library import library_cases

    _seed()

    program = Program.objects.get(slug=PROGRAM_SLUG)
    shared = program.cases.filter(library_shared=True).order_by("title")
    assert [c.title for c in library_cases(program)] == ["Tapering high-dose oxycodone after a work injury"]
    assert [c.title for c in shared] == [
        "Fibromyalgia with poor sleep and rising tramadol use",
        "Tapering high-dose oxycodone after a work injury",
    ]


@pytest.mark.django_db
def test_seed_demo_imports_reports_and_leaves_the_last_sessions_joins_provisional():
    _seed()

    past = list(
        Session.objects.filter(program__slug=PROGRAM_SLUG, ends_at__lt=timezone.now()).order_by("starts_at")
    )
    # The hub expert's own attendance (faculty) is entered by hand; the participants' comes from reports.
    participants = Attendance.objects.exclude(user__email="expert@example.org")
    sources = {s.pk: set(participants.filter(session=s).values_list("source", "verified")) for s in past}
    assert {frozenset(v) for pk, v in sources.items() if pk != past[-1].pk} == {frozenset({("report", True)})}
    assert sources[past[-1].pk] == {("join", False)}
    lengths = {s.pk: s.duration_minutes for s in past}
    assert all(a.minutes <= lengths[a.session_id] for a in Attendance.objects.filter(session__in=past))


@pytest.mark.django_db
def test_seed_demo_creates_a_french_program_with_a_french_coordinator():
    _seed()
    _seed()

    program = Program.objects.get(slug="echo-douleur-chronique-francophone")
    assert program.name == "ECHO Douleur chronique — francophone"
    assert program.language == ProgramLanguage.FRENCH
    assert "séance" in program.description
    coordinator = User.objects.get(email="coordination.fr@example.org")
    assert coordinator.language == "fr-ca"
    assert coordinator.check_password("echo-demo-2026")
    assert Enrollment.objects.get(user=coordinator, program=program).role == Role.COORDINATOR
    # The English demo people stay in the English program only.
    assert not Enrollment.objects.filter(
        program=program, user__email__in=[e for _, e in DEMO_LOGINS]
    ).exists()
    assert Program.objects.filter(slug="echo-douleur-chronique-francophone").count() == 1
