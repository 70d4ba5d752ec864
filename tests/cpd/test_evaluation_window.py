"""Evaluations open when the session starts and close the program's number of days after it
ends: in the service, on the evaluation page, on the dashboard, in the requests to evaluate."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from cpd import selectors, services
from cpd.models import Evaluation
from echo_hub.audit.models import AuditEvent
from echo_hub.notifications.models import Notification
from sessions.models import Program, Role
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    EvaluationFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
)
from tests.querycount import capture_render, sql
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

# Wed 4 Nov 2026, 12:00–14:00 in Toronto (EST).
START = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
ANSWERS = {"relevance": 5, "quality": 4, "objectives_met": "yes", "commitment_to_change": "", "comments": ""}
CLOSED = (
    "The evaluation of this session closed Wed 18 Nov 2026, 14:00 EST, 14 days after the session: "
    "it can no longer be filled."
)


@pytest.fixture
def held(program, participant):
    session = SessionFactory(program=program, title="Session 3", starts_at=START)
    AttendanceFactory(session=session, user=participant, minutes=120)
    return session


def _url(session) -> str:
    return reverse("cpd:evaluate", args=[session.program.slug, session.pk])


# the service


@pytest.mark.parametrize("at", [START, END, END + timedelta(days=14) - timedelta(seconds=1)])
def test_submit_evaluation_is_accepted_from_the_start_until_the_window_closes(
    time_machine, held, participant, at
):
    time_machine.move_to(at)

    evaluation = services.submit_evaluation(session=held, user=participant, fields=ANSWERS)

    assert list(Evaluation.objects.values_list("pk", "session", "user")) == [
        (evaluation.pk, held.pk, participant.pk)
    ]


@pytest.mark.parametrize("at", [END + timedelta(days=14), END + timedelta(days=90)])
def test_submit_evaluation_after_the_window_is_refused(time_machine, held, participant, at):
    time_machine.move_to(at)

    with pytest.raises(ValidationError) as caught:
        services.submit_evaluation(session=held, user=participant, fields=ANSWERS)

    assert caught.value.messages == [CLOSED]
    assert Evaluation.objects.count() == 0


def test_submit_evaluation_before_the_start_is_refused_to_the_second(time_machine, held, participant):
    time_machine.move_to(START - timedelta(seconds=1))

    with pytest.raises(ValidationError) as caught:
        services.submit_evaluation(session=held, user=participant, fields=ANSWERS)

    assert caught.value.messages == [
        "You can evaluate a session once it has started; this one starts Wed 4 Nov 2026, 12:00 EST."
    ]
    assert Evaluation.objects.count() == 0


def test_submit_evaluation_window_is_the_programs_number_of_days(time_machine, program, held, participant):
    Program.objects.filter(pk=program.pk).update(evaluation_window_days=3)
    held.refresh_from_db()
    time_machine.move_to(END + timedelta(days=3))

    with pytest.raises(ValidationError) as caught:
        services.submit_evaluation(session=held, user=participant, fields=ANSWERS)

    assert caught.value.messages == [
        "The evaluation of this session closed Sat 7 Nov 2026, 14:00 EST, 3 days after the session: "
        "it can no longer be filled."
    ]
    time_machine.move_to(END + timedelta(days=3) - timedelta(minutes=1))
    services.submit_evaluation(session=held, user=participant, fields=ANSWERS)
    assert Evaluation.objects.count() == 1


def test_new_programs_give_fourteen_days():
    assert ProgramFactory().evaluation_window_days == 14


@pytest.mark.parametrize("days", [0, 366])
def test_database_refuses_an_evaluation_window_outside_1_to_365(program, days):
    with pytest.raises(IntegrityError):
        Program.objects.filter(pk=program.pk).update(evaluation_window_days=days)


# the evaluation page


def test_evaluate_page_says_until_when_it_is_open(client, time_machine, held, participant):
    time_machine.move_to(END + timedelta(hours=1))
    client.force_login(participant)

    response = client.get(_url(held))

    body = response.content.decode()
    assert response.status_code == 200
    assert "The evaluation is open until <strong>Wed 18 Nov 2026, 14:00 EST</strong>." in body
    assert 'name="relevance"' in body


def test_evaluate_page_after_the_window_says_it_closed_and_offers_no_form(
    client, time_machine, held, participant
):
    time_machine.move_to(END + timedelta(days=15))
    client.force_login(participant)

    page = client.get(_url(held))
    posted = client.post(_url(held), {"relevance": "5", "quality": "4", "objectives_met": "yes"})

    for response in (page, posted):
        body = response.content.decode()
        assert response.status_code == 200
        assert CLOSED in body
        assert 'name="relevance"' not in body
    assert Evaluation.objects.count() == 0


# the dashboard


def _attended(program, user, *, ended_days_ago: float, title: str):
    starts_at = datetime.now(UTC) - timedelta(days=ended_days_ago, hours=2)
    session = SessionFactory(program=program, title=title, starts_at=starts_at)
    AttendanceFactory(session=session, user=user, minutes=120)
    return session


def test_dashboard_lists_only_evaluations_still_open(client, time_machine, program, participant):
    time_machine.move_to(datetime(2026, 12, 1, 17, 0, tzinfo=UTC), tick=False)
    monthly = ProgramFactory(name="Addiction Medicine", evaluation_window_days=30)
    EnrollmentFactory(program=monthly, user=participant, role=Role.PARTICIPANT)
    _attended(program, participant, ended_days_ago=1, title="Open yesterday")
    _attended(program, participant, ended_days_ago=20, title="Closed after 14 days")
    _attended(monthly, participant, ended_days_ago=20, title="Open for 30 days")
    evaluated = _attended(program, participant, ended_days_ago=2, title="Already evaluated")
    EvaluationFactory(session=evaluated, user=participant)
    SessionFactory(
        program=program, title="Not started yet", starts_at=datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    )
    client.force_login(participant)

    response = client.get(reverse("home"))

    assert [(due.session.title, due.closes_at) for due in response.context["pending_evaluations"]] == [
        ("Open yesterday", datetime(2026, 12, 14, 17, 0, tzinfo=UTC)),
        ("Open for 30 days", datetime(2026, 12, 11, 17, 0, tzinfo=UTC)),
    ]
    body = response.content.decode()
    assert "Closed after 14 days" not in body
    assert "· Chronic Pain &amp; Opioid Stewardship · open until Mon 14 Dec 2026, 12:00 EST</span>" in body


def test_pending_evaluations_without_programs_given_finds_them_itself(time_machine, program, participant):
    time_machine.move_to(datetime(2026, 12, 1, 17, 0, tzinfo=UTC), tick=False)
    _attended(program, participant, ended_days_ago=1, title="Open yesterday")
    _attended(program, participant, ended_days_ago=15, title="Closed")

    assert [due.session.title for due in selectors.pending_evaluations(participant)] == ["Open yesterday"]


def test_no_evaluation_is_asked_for_in_a_program_the_participant_was_removed_from(
    client, time_machine, program, participant
):
    """Its evaluation page is for members only: the dashboard would link to a 404. (Before,
    any program with the same window length matched.)"""
    time_machine.move_to(datetime(2026, 12, 1, 17, 0, tzinfo=UTC), tick=False)
    left = ProgramFactory(name="Left program", evaluation_window_days=program.evaluation_window_days)
    EnrollmentFactory(program=left, user=participant, status="removed")
    _attended(left, participant, ended_days_ago=1, title="In the program left")
    _attended(program, participant, ended_days_ago=2, title="In the program kept")
    client.force_login(participant)

    response = client.get(reverse("home"))

    assert [due.session.title for due in response.context["pending_evaluations"]] == ["In the program kept"]
    assert [due.session.title for due in selectors.pending_evaluations(participant)] == [
        "In the program kept"
    ]
    page = response.content.decode()
    assert "In the program left" not in page
    assert reverse("cpd:evaluate", args=[left.slug, left.sessions.get().pk]) not in page


def test_dashboard_query_count_is_the_same_for_one_and_three_open_evaluations(client, program, participant):
    client.force_login(participant)
    _attended(program, participant, ended_days_ago=1, title="First")
    ctx1, body1 = capture_render(client, reverse("home"))
    monthly = ProgramFactory(evaluation_window_days=30)
    EnrollmentFactory(program=monthly, user=participant, role=Role.PARTICIPANT)
    _attended(monthly, participant, ended_days_ago=20, title="Second")
    _attended(program, participant, ended_days_ago=3, title="Third")

    ctx3, body3 = capture_render(client, reverse("home"))

    assert (body1.count("open until"), body3.count("open until")) == (1, 3)
    assert len(ctx1) == len(ctx3), sql(ctx1, ctx3)


# the program setting


def _settings_data(client, url: str) -> dict:
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    return data | {"default_start_time": "12:00", "evaluation_required": "on"}


def test_program_settings_save_the_evaluation_window_in_the_audit_trail(client, program, coordinator):
    client.force_login(coordinator)
    url = reverse("sessions:manage_program_edit", args=[program.slug])

    response = client.post(url, _settings_data(client, url) | {"evaluation_window_days": "30"})

    assert response.status_code == 302
    assert Program.objects.get(pk=program.pk).evaluation_window_days == 30
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROGRAM_CHANGED)
    assert event.extra == {"evaluation_window_days": "14 → 30"}


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("0", "Give participants at least 1 day to fill the evaluation."),
        ("366", "An evaluation can stay open at most 365 days."),
        ("two weeks", "Enter a whole number."),
    ],
)
def test_program_settings_refuse_an_evaluation_window_outside_1_to_365(
    client, program, coordinator, typed, error
):
    client.force_login(coordinator)
    url = reverse("sessions:manage_program_edit", args=[program.slug])
    data = _settings_data(client, url) | {"evaluation_window_days": typed}
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"evaluation_window_days": [error]}
    assert f'name="evaluation_window_days" value="{typed}"' in response.content.decode()
    assert changes_since(before) == {}
    assert Program.objects.get(pk=program.pk).evaluation_window_days == 14


def test_program_settings_left_empty_keep_the_evaluation_window(client, program, coordinator):
    Program.objects.filter(pk=program.pk).update(evaluation_window_days=21)
    client.force_login(coordinator)
    url = reverse("sessions:manage_program_edit", args=[program.slug])
    data = _settings_data(client, url)
    data.pop("evaluation_window_days")

    response = client.post(url, data)

    assert response.status_code == 302
    assert Program.objects.get(pk=program.pk).evaluation_window_days == 21


def test_program_create_takes_the_evaluation_window(client, coordinator):
    client.force_login(coordinator)
    data = {
        "name": "Pelvic Pain",
        "time_zone": "America/Toronto",
        "default_weekday": "2",
        "default_start_time": "12:00",
        "default_duration_minutes": "120",
        "didactic_minutes": "30",
        "case_slots_per_session": "3",
        "attendance_threshold_percent": "75",
        "evaluation_window_days": "7",
    }

    response = client.post(reverse("sessions:program_create"), data)

    assert response.status_code == 302
    assert Program.objects.get(name="Pelvic Pain").evaluation_window_days == 7


# requests to evaluate


def test_sweep_does_not_ask_to_evaluate_once_the_evaluation_closed(
    program, held, participant, django_capture_on_commit_callbacks
):
    Program.objects.filter(pk=program.pk).update(evaluation_window_days=1)

    with django_capture_on_commit_callbacks(execute=True):
        late = services.send_due_evaluation_requests(now=END + timedelta(days=1))
        in_time = services.send_due_evaluation_requests(now=END + timedelta(hours=23))

    assert (late, in_time) == (0, 1)
    (message,) = mail.outbox
    assert "It is open until Thu 5 Nov 2026, 14:00 EST." in message.body
    assert Notification.objects.get().kind == "evaluation_request"


def test_evaluate_view_message_after_the_window_is_not_a_success(client, time_machine, held, participant):
    time_machine.move_to(END + timedelta(days=20))
    client.force_login(participant)

    response = client.post(_url(held), {"relevance": "5", "quality": "4", "objectives_met": "yes"})

    assert [m.message for m in get_messages(response.wsgi_request)] == []
    assert Evaluation.objects.filter(user=participant).exists() is False


def test_evaluation_window_is_per_session_of_a_member_only(time_machine, held):
    stranger = UserFactory()
    time_machine.move_to(END)

    with pytest.raises(ValidationError) as caught:
        services.submit_evaluation(session=held, user=stranger, fields=ANSWERS)

    assert caught.value.messages == ["Only members of the program evaluate its sessions."]


# other pages that offer the evaluation


def test_transcript_offers_the_evaluation_only_while_it_is_open(client, time_machine, held, participant):
    evaluate = f'href="{_url(held)}">Fill it now</a>'
    time_machine.move_to(END + timedelta(days=13))
    client.force_login(participant)
    open_page = client.get(reverse("cpd:transcript")).content.decode()
    time_machine.move_to(END + timedelta(days=14))
    client.force_login(participant)

    closed_page = client.get(reverse("cpd:transcript")).content.decode()

    assert evaluate in open_page
    assert evaluate not in closed_page
    assert '<td data-label="Evaluation">Closed</td>' in closed_page


def test_session_page_offers_the_evaluation_only_while_it_is_open(client, time_machine, held, participant):
    button = f'href="{_url(held)}">Evaluate this session</a>'
    time_machine.move_to(END + timedelta(days=13))
    client.force_login(participant)
    open_page = client.get(held.get_absolute_url()).content.decode()
    time_machine.move_to(END + timedelta(days=14))
    client.force_login(participant)

    closed_page = client.get(held.get_absolute_url()).content.decode()

    assert button in open_page
    assert button not in closed_page
