from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.reminders import send_due_case_reminders
from cases.services import assign_case_to_session
from cpd.services import send_due_evaluation_requests
from echo_hub.notifications import services
from echo_hub.notifications.kinds import OPTIONAL_KINDS
from echo_hub.notifications.models import Notification
from echo_hub.site.tasks import sweep_due_messages_task
from sessions.models import Enrollment, MemberJoinLink, Role, Session
from sessions.reminders import send_due_session_reminders
from sessions.services import cancel_session, reschedule_session, schedule_weekly
from tests.factories import (
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    EnrollmentFactory,
    EvaluationFactory,
    SessionFactory,
    UserFactory,
)

from .conftest import by_recipient, ics_event

# Wednesday 4 November 2026, 12:00 in Toronto: three days after the clocks fell back (EST).
START = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
MEMBERS = ["coord@example.org", "expert@example.org", "np.west@example.org", "participant@example.org"]


@pytest.fixture(autouse=True)
def _before_november(time_machine):
    """The sessions here meet in November 2026: the clock reads 1 October, before any of them,
    since a session is never scheduled or moved into the past."""
    time_machine.move_to(datetime(2026, 10, 1, 16, 0, tzinfo=UTC))


@pytest.fixture
def members(coordinator, expert, participant, vancouver_member):
    return [coordinator, expert, participant, vancouver_member]


@pytest.fixture
def bystanders(program, pending_user, outsider, other_coordinator):
    """People who must never get this program's session messages."""
    inactive = UserFactory(email="left@example.org", is_active=False)
    EnrollmentFactory(program=program, user=inactive)
    return [pending_user, outsider, other_coordinator, inactive]


@pytest.fixture
def noon_session(program):
    return SessionFactory(
        program=program, title="Session 1", didactic_topic="Opioid tapering", starts_at=START
    )


def _sweep(capture, *, at: datetime, agenda: dict | None = None) -> int:
    with capture(execute=True):
        return send_due_session_reminders(now=at, agenda=agenda)


def _sent(kind: str) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=kind, status=Notification.Status.SENT).values_list(
            "email", "object_key"
        )
    )


def _body_above_unsubscribe(body: str) -> str:
    # The unsubscribe link carries a timestamped signature; its own tests check it.
    return body.split("\n\nDon't want")[0]


@pytest.mark.django_db
def test_session_reminder_24h_reaches_every_approved_member_in_their_own_zone(
    noon_session, members, bystanders, django_capture_on_commit_callbacks
):
    agenda = {noon_session.pk: [41, 42]}

    queued = _sweep(django_capture_on_commit_callbacks, at=START - timedelta(hours=23), agenda=agenda)

    emails = by_recipient(mail.outbox)
    assert queued == 4
    assert sorted(emails) == MEMBERS
    assert {m.subject for m in mail.outbox} == {"Tomorrow: Chronic Pain & Opioid Stewardship — Session 1"}
    page = f"http://testserver/programs/chronic-pain/sessions/{noon_session.pk}/"
    assert _body_above_unsubscribe(emails["participant@example.org"].body) == (
        "Hello Clinician,\n\n"
        "A reminder: Session 1 of Chronic Pain & Opioid Stewardship is tomorrow.\n\n"
        "When: Wed 4 Nov 2026, 12:00–14:00 EST (America/Toronto)\n"
        "Didactic: Opioid tapering\n"
        "Cases on the agenda:\n"
        "  1. Case #41\n"
        "  2. Case #42\n"
        "Join: https://video.example.org/join/123\n"
        f"Session page: {page}\n\n"
        "The calendar entry is attached."
    )
    west = emails["np.west@example.org"].body
    assert "When: Wed 4 Nov 2026, 09:00–11:00 PST (America/Vancouver)\n" in west
    assert "12:00" not in west
    html = emails["np.west@example.org"].alternatives[0][0]
    assert "<li>Case #42</li>" in html
    assert "09:00–11:00 PST</strong>" in html


@pytest.mark.django_db
def test_session_reminder_attaches_the_sessions_calendar_entry(
    noon_session, members, django_capture_on_commit_callbacks
):
    _sweep(django_capture_on_commit_callbacks, at=START - timedelta(hours=23))

    events = [ics_event(message) for message in mail.outbox]
    assert [m.attachments[0][0] for m in mail.outbox] == [f"echo-session-{noon_session.pk}.ics"] * 4
    assert {str(e["UID"]) for e in events} == {f"session-{noon_session.pk}@echo-hub"}
    assert {(e["SEQUENCE"], str(e["STATUS"])) for e in events} == {(0, "CONFIRMED")}
    assert {(e.decoded("DTSTART"), e.decoded("DTEND")) for e in events} == {
        (START, START + timedelta(hours=2))
    }
    assert {str(e["LOCATION"]) for e in events} == {"https://video.example.org/join/123"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("before", "kind"),
    [
        (timedelta(hours=25), None),
        (timedelta(hours=24, minutes=1), None),
        (timedelta(hours=24), "session_reminder_24h"),
        (timedelta(hours=23), "session_reminder_24h"),
        (timedelta(minutes=61), "session_reminder_24h"),
        (timedelta(minutes=60), "session_reminder_1h"),
        (timedelta(minutes=59), "session_reminder_1h"),
        (timedelta(0), None),
        (-timedelta(minutes=1), None),
    ],
)
def test_send_due_session_reminders_sends_the_reminder_due_at_that_moment(
    noon_session, participant, before, kind, django_capture_on_commit_callbacks
):
    queued = _sweep(django_capture_on_commit_callbacks, at=START - before)

    expected = [] if kind is None else [kind]
    assert list(Notification.objects.values_list("kind", flat=True)) == expected
    assert queued == len(expected)
    assert [m.to for m in mail.outbox] == [["participant@example.org"]] * len(expected)


@pytest.mark.django_db
def test_send_due_session_reminders_skips_a_cancelled_session(
    noon_session, members, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=noon_session.pk).update(status=Session.Status.CANCELLED)

    queued_day_before = _sweep(django_capture_on_commit_callbacks, at=START - timedelta(hours=23))
    queued_hour_before = _sweep(django_capture_on_commit_callbacks, at=START - timedelta(minutes=59))

    assert (queued_day_before, queued_hour_before) == (0, 0)
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_due_session_reminders_after_an_outage_sends_only_the_hour_reminder(
    noon_session, members, django_capture_on_commit_callbacks
):
    queued = _sweep(django_capture_on_commit_callbacks, at=START - timedelta(minutes=30))

    key = f"session:{noon_session.pk}:20261104T1700"
    assert queued == 4
    assert Notification.objects.filter(kind="session_reminder_24h").count() == 0
    assert _sent("session_reminder_1h") == [(email, key) for email in MEMBERS]
    assert {m.subject for m in mail.outbox} == {
        "Starting in an hour: Chronic Pain & Opioid Stewardship — Session 1"
    }
    assert "Session 1 of Chronic Pain & Opioid Stewardship starts in about an hour." in mail.outbox[0].body


@pytest.mark.django_db
def test_send_due_session_reminders_twice_sends_each_reminder_once(
    noon_session, members, django_capture_on_commit_callbacks
):
    first = _sweep(django_capture_on_commit_callbacks, at=START - timedelta(hours=23))
    outbox_after_first, rows_after_first = len(mail.outbox), Notification.objects.count()
    second = _sweep(django_capture_on_commit_callbacks, at=START - timedelta(hours=22, minutes=57))

    assert (first, second) == (4, 0)
    assert (
        (len(mail.outbox), Notification.objects.count()) == (outbox_after_first, rows_after_first) == (4, 4)
    )


@pytest.mark.django_db
def test_send_due_session_reminders_sends_the_day_and_the_hour_reminder_once_each(
    noon_session, members, django_capture_on_commit_callbacks
):
    for before in [timedelta(hours=23), timedelta(hours=5), timedelta(minutes=59), timedelta(minutes=30)]:
        _sweep(django_capture_on_commit_callbacks, at=START - before)

    assert sorted(Notification.objects.values_list("email", "kind")) == [
        (email, kind) for email in MEMBERS for kind in ["session_reminder_1h", "session_reminder_24h"]
    ]
    assert len(mail.outbox) == 8


@pytest.mark.django_db
def test_rescheduled_session_is_reminded_again_for_its_new_time(
    noon_session, participant, django_capture_on_commit_callbacks
):
    _sweep(django_capture_on_commit_callbacks, at=START - timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        moved = reschedule_session(
            session=noon_session, new_date=date(2026, 11, 5), new_start_time=time(12), duration_minutes=120
        )
    again = _sweep(django_capture_on_commit_callbacks, at=moved.starts_at - timedelta(hours=23))

    assert moved.starts_at == START + timedelta(days=1)
    assert again == 1
    assert _sent("session_reminder_24h") == [
        ("participant@example.org", f"session:{noon_session.pk}:20261104T1700"),
        ("participant@example.org", f"session:{noon_session.pk}:20261105T1700"),
    ]
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Tomorrow", "New time", "Tomorrow"]
    assert "When: Thu 5 Nov 2026, 12:00–14:00 EST (America/Toronto)" in mail.outbox[2].body
    assert ics_event(mail.outbox[2])["SEQUENCE"] == 1


@pytest.mark.django_db
def test_weekly_noon_session_after_the_fall_back_is_reminded_24_hours_before_in_utc(
    program, participant, vancouver_member, django_capture_on_commit_callbacks
):
    before_change, after_change = schedule_weekly(
        program=program, first_date=date(2026, 10, 28), start_time=time(12), count=2
    )

    early = _sweep(django_capture_on_commit_callbacks, at=datetime(2026, 11, 3, 16, 59, tzinfo=UTC))
    due = _sweep(django_capture_on_commit_callbacks, at=datetime(2026, 11, 3, 17, 0, tzinfo=UTC))

    assert before_change.starts_at == datetime(2026, 10, 28, 16, 0, tzinfo=UTC)
    assert after_change.starts_at == datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
    assert (early, due) == (0, 2)
    assert _sent("session_reminder_24h") == [
        ("np.west@example.org", f"session:{after_change.pk}:20261104T1700"),
        ("participant@example.org", f"session:{after_change.pk}:20261104T1700"),
    ]
    emails = by_recipient(mail.outbox)
    assert "When: Wed 4 Nov 2026, 12:00–14:00 EST (America/Toronto)" in emails["participant@example.org"].body
    assert "When: Wed 4 Nov 2026, 09:00–11:00 PST (America/Vancouver)" in emails["np.west@example.org"].body


@pytest.mark.django_db
def test_sweep_due_messages_task_lists_the_agenda_by_case_number_only(
    program, presenter, participant, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        program=program, title="Session 4", starts_at=timezone.now() + timedelta(hours=23)
    )
    cases = []
    for title in ["Chronic low back pain on oxycodone", "Fibromyalgia and sleep"]:
        case = CaseFactory(program=program, presenter=presenter, status=Case.Status.SCHEDULED, title=title)
        CaseSlotFactory(session=session, case=case)
        cases.append(case)

    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_due_messages_task()

    assert result == {
        "session_changes": 0,
        "session_reminders": 2,
        "case_reminders": 2,
        "provisional_attendance": 0,
        "evaluation_requests": 0,
    }
    reminder = by_recipient([m for m in mail.outbox if m.subject.startswith("Tomorrow")])[
        "participant@example.org"
    ]
    assert f"Cases on the agenda:\n  1. Case #{cases[0].pk}\n  2. Case #{cases[1].pk}\n" in reminder.body
    assert "Chronic low back pain" not in reminder.body
    assert "oxycodone CR 60 mg" not in reminder.body
    assert "How fast can we taper" not in reminder.body


# Cancellations and new times: essential, sent at once, the same calendar entry updated.


@pytest.fixture
def muted_member(program):
    user = UserFactory(email="quiet@example.org", full_name="Quinn Quiet")
    EnrollmentFactory(program=program, user=user)
    services.set_muted_kinds(user=user, kinds=OPTIONAL_KINDS)
    return user


@pytest.mark.django_db
def test_cancel_session_sends_every_member_a_cancelled_calendar_entry_at_once(
    noon_session, members, muted_member, bystanders, django_capture_on_commit_callbacks
):
    _sweep(django_capture_on_commit_callbacks, at=START - timedelta(hours=23))
    reminded = {m.to[0]: ics_event(m)["SEQUENCE"] for m in mail.outbox}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session=noon_session, reason="Statutory holiday")

    emails = by_recipient(mail.outbox)
    assert reminded == dict.fromkeys(MEMBERS, 0)
    assert sorted(emails) == sorted([*MEMBERS, "quiet@example.org"])
    assert {m.subject for m in mail.outbox} == {"Cancelled: Chronic Pain & Opioid Stewardship — Session 1"}
    assert "Reason: Statutory holiday\n" in emails["quiet@example.org"].body
    assert "planned for Wed 4 Nov 2026, 09:00–11:00 PST, is cancelled." in emails["np.west@example.org"].body
    events = [ics_event(m) for m in mail.outbox]
    assert {(str(e["UID"]), e["SEQUENCE"], str(e["STATUS"])) for e in events} == {
        (f"session-{noon_session.pk}@echo-hub", 1, "CANCELLED")
    }
    assert {"List-Unsubscribe" in m.extra_headers for m in mail.outbox} == {False}
    assert _sent("session_cancelled") == [
        (email, f"session:{noon_session.pk}:seq1") for email in sorted([*MEMBERS, "quiet@example.org"])
    ]


@pytest.mark.django_db
def test_cancel_session_twice_sends_the_cancellation_once(
    noon_session, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session=noon_session, reason="Statutory holiday")
        cancel_session(session=noon_session, reason="Statutory holiday")

    noon_session.refresh_from_db()
    assert noon_session.sequence == 1
    assert [m.to for m in mail.outbox] == [["participant@example.org"]]


@pytest.mark.django_db
def test_coordinator_cancelling_in_the_view_emails_every_member_at_once(
    client, noon_session, members, muted_member, django_capture_on_commit_callbacks
):
    client.force_login(members[0])
    url = reverse("sessions:manage_session_cancel", args=["chronic-pain", noon_session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Snowstorm: the hub is closed"})

    noon_session.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/programs/chronic-pain/sessions/{noon_session.pk}/"
    assert (noon_session.status, noon_session.sequence) == (Session.Status.CANCELLED, 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([*MEMBERS, "quiet@example.org"])
    assert {(ics_event(m)["SEQUENCE"], str(ics_event(m)["STATUS"])) for m in mail.outbox} == {
        (1, "CANCELLED")
    }


@pytest.mark.django_db
def test_coordinator_rescheduling_in_the_view_emails_the_new_time_in_each_zone(
    client, noon_session, members, muted_member, django_capture_on_commit_callbacks
):
    client.force_login(members[0])
    url = reverse("sessions:manage_session_reschedule", args=["chronic-pain", noon_session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"new_date": "2026-11-04", "new_start_time": "13:00", "duration_minutes": 90}
        )

    noon_session.refresh_from_db()
    emails = by_recipient(mail.outbox)
    assert response.status_code == 302
    assert (noon_session.starts_at, noon_session.sequence) == (START + timedelta(hours=1), 1)
    assert sorted(emails) == sorted([*MEMBERS, "quiet@example.org"])
    assert {m.subject for m in mail.outbox} == {"New time: Chronic Pain & Opioid Stewardship — Session 1"}
    assert "Wed 4 Nov 2026, 13:00–14:30 EST (America/Toronto)\n" in emails["quiet@example.org"].body
    assert "Wed 4 Nov 2026, 10:00–11:30 PST (America/Vancouver)\n" in emails["np.west@example.org"].body
    events = [ics_event(m) for m in mail.outbox]
    assert {(str(e["UID"]), e["SEQUENCE"], str(e["STATUS"])) for e in events} == {
        (f"session-{noon_session.pk}@echo-hub", 1, "CONFIRMED")
    }
    assert {e.decoded("DTSTART") for e in events} == {START + timedelta(hours=1)}


@pytest.mark.django_db
def test_reschedule_session_to_the_same_time_sends_nothing(
    noon_session, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_session(
            session=noon_session, new_date=date(2026, 11, 4), new_start_time=time(12), duration_minutes=120
        )

    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_each_change_of_a_session_raises_the_sequence_of_its_email(
    noon_session, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_session(
            session=noon_session, new_date=date(2026, 11, 4), new_start_time=time(13), duration_minutes=120
        )
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session=noon_session, reason="Statutory holiday")

    assert [
        (m.subject.split(":")[0], ics_event(m)["SEQUENCE"], str(ics_event(m)["STATUS"])) for m in mail.outbox
    ] == [
        ("New time", 1, "CONFIRMED"),
        ("Cancelled", 2, "CANCELLED"),
    ]


# Cases: the presenter three days before; overdue recommendations to the hub.


@pytest.fixture
def scheduled_case(program, presenter, noon_session):
    case = CaseFactory(
        program=program, presenter=presenter, status=Case.Status.SCHEDULED, title="Fibromyalgia and sleep"
    )
    CaseSlotFactory(session=noon_session, case=case)
    return case


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("before", "sent"),
    [
        (timedelta(days=3, minutes=1), 0),
        (timedelta(days=3), 1),
        (timedelta(days=1), 1),
        (timedelta(0), 0),
    ],
)
def test_send_due_case_reminders_reminds_the_presenter_three_days_before(
    scheduled_case, before, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = send_due_case_reminders(now=START - before)

    assert queued == sent
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["presenter@example.org"], f"You present your case #{scheduled_case.pk} soon")
    ] * sent


@pytest.mark.django_db
def test_case_presenter_reminder_goes_once_with_the_time_in_the_presenters_zone(
    scheduled_case, presenter, django_capture_on_commit_callbacks
):
    presenter.time_zone = "America/Vancouver"
    presenter.save(update_fields=["time_zone"])

    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_case_reminders(now=START - timedelta(days=2))
        second = send_due_case_reminders(now=START - timedelta(days=1))

    assert (first, second) == (1, 0)
    (message,) = mail.outbox
    assert (
        f"You present your case #{scheduled_case.pk} in Session 1: Wed 4 Nov 2026, 09:00–11:00 PST.\n"
        in message.body
    )
    assert f"Your case: http://testserver/cases/{scheduled_case.pk}/\n" in message.body
    assert list(Notification.objects.values_list("kind", "object_key")) == [
        ("case_presenter_reminder", f"case:{scheduled_case.pk}:session:{scheduled_case.slot.session_id}")
    ]


@pytest.mark.django_db
def test_send_due_case_reminders_skips_cases_of_a_cancelled_session(
    scheduled_case, noon_session, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=noon_session.pk).update(status=Session.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        queued = send_due_case_reminders(now=START - timedelta(days=2))

    assert queued == 0
    assert mail.outbox == []


@pytest.fixture
def overdue_case(program, presenter):
    """A case discussed eight days ago whose letter is not sent yet."""
    discussed = SessionFactory(
        program=program, title="Session 0", starts_at=timezone.now() - timedelta(days=8)
    )
    case = CaseFactory(
        program=program,
        presenter=presenter,
        status=Case.Status.PRESENTED,
        title="Opioid use disorder in pregnancy",
    )
    CaseSlotFactory(session=discussed, case=case)
    return case


@pytest.mark.django_db
def test_overdue_recommendations_reach_the_programs_experts_and_coordinators_once(
    overdue_case,
    program,
    coordinator,
    expert,
    participant,
    other_coordinator,
    django_capture_on_commit_callbacks,
):
    EnrollmentFactory(
        program=program,
        role=Role.EXPERT,
        status=Enrollment.Status.PENDING,
        user=UserFactory(email="new@example.org"),
    )
    recent = CaseFactory(program=program, status=Case.Status.PRESENTED, title="Discussed five days ago")
    CaseSlotFactory(
        case=recent, session=SessionFactory(program=program, starts_at=timezone.now() - timedelta(days=5))
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_case_reminders()
        second = send_due_case_reminders()

    assert (first, second) == (2, 0)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("coord@example.org", f"Recommendations overdue: case #{overdue_case.pk}"),
        ("expert@example.org", f"Recommendations overdue: case #{overdue_case.pk}"),
    ]
    assert set(Notification.objects.values_list("kind", "object_key")) == {
        ("overdue_recommendations", f"case:{overdue_case.pk}")
    }


@pytest.mark.django_db
def test_overdue_recommendations_stop_once_the_letter_is_sent(
    overdue_case, coordinator, django_capture_on_commit_callbacks
):
    Case.objects.filter(pk=overdue_case.pk).update(status=Case.Status.LETTER_SENT)

    with django_capture_on_commit_callbacks(execute=True):
        queued = send_due_case_reminders()

    assert queued == 0
    assert mail.outbox == []


# CPD: an evaluation request after the session, once, to attendees who have not evaluated.


@pytest.fixture
def attended(program, noon_session, participant, expert, coordinator):
    AttendanceFactory(session=noon_session, user=participant, minutes=120)
    AttendanceFactory(session=noon_session, user=expert, minutes=90)
    AttendanceFactory(session=noon_session, user=coordinator, minutes=0)
    EvaluationFactory(session=noon_session, user=expert)
    return noon_session


END = START + timedelta(hours=2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("after", "sent"),
    [
        (-timedelta(minutes=1), 0),
        (timedelta(0), 1),
        (timedelta(hours=1), 1),
        (timedelta(days=6, hours=23), 1),
        (timedelta(days=7), 0),
    ],
)
def test_send_due_evaluation_requests_asks_attendees_who_have_not_evaluated_within_a_week(
    attended, after, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = send_due_evaluation_requests(now=END + after)

    assert queued == sent
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["participant@example.org"], "Two minutes: how was Session 1?")
    ] * sent


@pytest.mark.django_db
def test_send_due_evaluation_requests_asks_once(attended, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_evaluation_requests(now=END + timedelta(hours=1))
        second = send_due_evaluation_requests(now=END + timedelta(days=2))

    assert (first, second) == (1, 0)
    (message,) = mail.outbox
    assert f"http://testserver/programs/chronic-pain/sessions/{attended.pk}/evaluate/\n" in message.body
    assert list(Notification.objects.values_list("email", "kind", "object_key")) == [
        ("participant@example.org", "evaluation_request", f"session:{attended.pk}")
    ]


@pytest.mark.django_db
def test_send_due_evaluation_requests_skips_a_cancelled_session(attended, django_capture_on_commit_callbacks):
    Session.objects.filter(pk=attended.pk).update(status=Session.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        queued = send_due_evaluation_requests(now=END + timedelta(hours=1))

    assert queued == 0
    assert mail.outbox == []


OWN_LINK = "https://us02web.zoom.us/w/81234567890?tk=presenter-own-token"


@pytest.mark.django_db
@pytest.mark.parametrize("registered", [True, False])
def test_the_presenters_reminder_carries_their_own_join_link_when_they_have_one(
    scheduled_case, presenter, registered, django_capture_on_commit_callbacks
):
    session = scheduled_case.slot.session
    if registered:
        MemberJoinLink.objects.create(session=session, user=presenter, url=OWN_LINK)

    with django_capture_on_commit_callbacks(execute=True):
        send_due_case_reminders(now=START - timedelta(days=2))

    [message] = mail.outbox
    expected = OWN_LINK if registered else session.join_url
    assert f"Join: {expected}" in message.body
    assert f'href="{expected}"' in message.alternatives[0][0]


@pytest.mark.django_db
def test_the_case_scheduled_email_carries_the_presenters_own_join_link(
    program, presenter, coordinator, django_capture_on_commit_callbacks
):
    session = SessionFactory(program=program, starts_at=timezone.now() + timedelta(days=5))
    MemberJoinLink.objects.create(session=session, user=presenter, url=OWN_LINK)
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        assign_case_to_session(case=case, session=session, by=coordinator)

    [message] = [m for m in mail.outbox if m.to == [presenter.email]]
    assert f"Join link: {OWN_LINK}" in message.body
    assert session.join_url not in message.body
