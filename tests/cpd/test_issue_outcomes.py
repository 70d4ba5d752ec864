"""A session's bulk issue says who got no certificate and why; those missing only their
evaluation can be reminded, once per person and session."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import constants, get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cpd import services
from cpd.models import Certificate, EvaluationReminder
from cpd.services.issue_outcomes import (
    ALREADY_ISSUED,
    BELOW_THRESHOLD,
    EVALUATION_MISSING,
    NO_NAME,
    NOT_CONFIRMED,
)
from echo_hub.audit.models import AuditEvent
from echo_hub.notifications.models import Notification
from echo_hub.notifications.services import set_muted_kinds
from sessions.models import Program, Session
from tests.concurrency import Contender
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    SessionFactory,
    UserFactory,
)
from tests.querycount import capture_render, sql
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

# Wed 4 Nov 2026, 12:00–14:00 in Toronto (EST); its evaluation closes 18 Nov, 14:00.
START = datetime(2026, 11, 4, 17, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
OPEN = "Evaluation missing (open until Wed 18 Nov 2026, 14:00 EST)"
BELOW = "Below the attendance threshold: Attendance: 60 of the 90 minutes needed"
PROVISIONAL = "Provisional attendance (a Join click only), not confirmed by a coordinator"


@pytest.fixture
def held(program, time_machine):
    time_machine.move_to(END + timedelta(days=2))
    return SessionFactory(program=program, title="Session 3", starts_at=START)


def _member(program, name: str, email: str):
    return EnrollmentFactory(program=program, user=UserFactory(full_name=name, email=email)).user


@pytest.fixture
def people(program, held):
    """One attendee for every reason, and one who earns a certificate."""
    p = {
        "earner": _member(program, "Ada Earner", "ada@example.org"),
        "short": _member(program, "Ben Short", "ben@example.org"),
        "unevaluated": _member(program, "Cy Unevaluated", "cy@example.org"),
        "joined": _member(program, "Di Joined", "di@example.org"),
        "nameless": _member(program, "", "nameless@example.org"),
        "holder": _member(program, "Eve Holder", "eve@example.org"),
    }
    for key, minutes in [
        ("earner", 120),
        ("short", 60),
        ("unevaluated", 120),
        ("nameless", 120),
        ("holder", 120),
    ]:
        AttendanceFactory(session=held, user=p[key], minutes=minutes)
    AttendanceFactory(session=held, user=p["joined"], minutes=110, source="join")
    for key in ("earner", "short", "joined", "nameless", "holder"):
        EvaluationFactory(session=held, user=p[key])
    return p


def _reasons(missed) -> dict[str, list[tuple[str, str]]]:
    return {m.user.email: [(r.code, r.text) for r in m.reasons] for m in missed}


# who got nothing, and why


def test_missed_certificates_gives_every_reason(held, people):
    CertificateFactory(user=people["holder"], session=held)

    missed = services.missed_certificates(session=held)

    assert _reasons(missed) == {
        "ben@example.org": [(BELOW_THRESHOLD, BELOW)],
        "cy@example.org": [(EVALUATION_MISSING, OPEN)],
        "di@example.org": [(NOT_CONFIRMED, PROVISIONAL)],
        "nameless@example.org": [
            (NO_NAME, "No full name on their profile: it is printed on the certificate")
        ],
    }
    assert [m.missing_only_evaluation for m in missed] == [False, False, True, False]


def test_missed_certificates_names_every_reason_of_one_person(held, people):
    short_unconfirmed = _member(held.program, "Fay Both", "fay@example.org")
    AttendanceFactory(session=held, user=short_unconfirmed, minutes=60, source="join")

    missed = services.missed_certificates(session=held)

    assert _reasons(missed)["fay@example.org"] == [
        (NOT_CONFIRMED, PROVISIONAL),
        (BELOW_THRESHOLD, BELOW),
        (EVALUATION_MISSING, OPEN),
    ]


def test_missed_certificates_after_a_run_lists_those_issued_before_it(time_machine, held, people):
    time_machine.move_to(END + timedelta(days=1), tick=False)
    CertificateFactory(user=people["holder"], session=held)
    time_machine.move_to(END + timedelta(days=2), tick=False)
    run = datetime.now(UTC)

    services.bulk_issue_for_session(session=held)
    missed = services.missed_certificates(session=held, issued_before=run)

    assert _reasons(missed)["eve@example.org"] == [
        (ALREADY_ISSUED, "Already issued Thu 5 Nov 2026, 14:00 EST")
    ]
    assert "ada@example.org" not in _reasons(missed)
    assert set(Certificate.objects.values_list("user__email", flat=True)) == {
        "ada@example.org",
        "eve@example.org",
    }


def test_missed_certificates_where_provisional_attendance_earns_credit(held, people):
    Program.objects.filter(pk=held.program_id).update(provisional_attendance_earns_credit=True)
    held.refresh_from_db()

    result = services.bulk_issue_for_session(session=held)

    assert result == {"issued": 3, "existing": 0}
    assert "di@example.org" not in _reasons(services.missed_certificates(session=held))


def test_missed_certificates_says_when_the_evaluation_closed(time_machine, held, people):
    time_machine.move_to(END + timedelta(days=30))

    missed = services.missed_certificates(session=held)

    assert _reasons(missed)["cy@example.org"] == [
        (EVALUATION_MISSING, "Evaluation missing (closed Wed 18 Nov 2026, 14:00 EST)")
    ]


# the bulk issue page


def _issue(client, session):
    return client.post(reverse("cpd:bulk_issue", args=[session.program.slug]), {"session": session.pk})


def _levels(response) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in get_messages(response.wsgi_request)]


def test_bulk_issue_page_lists_who_got_nothing_and_why(client, held, people, coordinator):
    CertificateFactory(user=people["holder"], session=held)
    client.force_login(coordinator)

    response = _issue(client, held)
    page = client.get(response.url).content.decode()

    assert _levels(response) == [(constants.SUCCESS, "1 certificate issued (1 existed already).")]
    assert (
        '<h2 class="section-title mt-0" id="missed-heading">Who got no certificate from this issue</h2>'
        in page
    )
    for text in (BELOW, OPEN, PROVISIONAL, "No full name on their profile", "Already issued Fri 6 Nov 2026"):
        assert text in page
    assert ">Ada Earner<" not in page
    assert "Remind those missing an evaluation (1)</button>" in page


def test_bulk_issue_that_issues_nothing_is_a_warning_not_a_success(client, held, people, coordinator):
    client.force_login(coordinator)
    client.get(_issue(client, held).url)

    again = _issue(client, held)
    page = client.get(again.url).content.decode()

    assert _levels(again) == [
        (
            constants.WARNING,
            "No certificate issued (2 existed already). The table below says who got none and why.",
        )
    ]
    assert page.count("Already issued") == 2


def test_bulk_issue_page_query_count_does_not_grow_with_those_missed(client, held, coordinator):
    client.force_login(coordinator)
    url = f"{reverse('cpd:progress', args=[held.program.slug])}?session={held.pk}"
    for n in range(1):
        AttendanceFactory(
            session=held, user=_member(held.program, f"One {n}", f"one{n}@example.org"), minutes=30
        )
    ctx1, body1 = capture_render(client, url)
    for n in range(2):
        AttendanceFactory(
            session=held, user=_member(held.program, f"Two {n}", f"two{n}@example.org"), minutes=120
        )

    ctx3, body3 = capture_render(client, url)

    assert (body1.count("<li>Below"), body3.count("<li>Below"), body3.count("<li>Evaluation missing")) == (
        1,
        1,
        3,
    )
    assert len(ctx1) == len(ctx3), sql(ctx1, ctx3)


# reminders


def test_remind_missing_evaluations_emails_those_missing_only_the_evaluation_once(
    held, people, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.remind_missing_evaluations(session=held, by=coordinator)
        second = services.remind_missing_evaluations(session=held, by=coordinator)

    assert (first.sent, first.already_reminded, first.opted_out) == (1, 0, 0)
    assert (second.sent, second.already_reminded, second.opted_out) == (0, 1, 0)
    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["cy@example.org"],
        "Your credits for Session 3 wait for your evaluation",
    )
    assert "open until Wed 18 Nov 2026, 14:00 EST" in message.body
    assert f"/programs/chronic-pain/sessions/{held.pk}/evaluate/" in message.body
    assert list(EvaluationReminder.objects.values_list("user__email", "sent_by")) == [
        ("cy@example.org", coordinator.pk)
    ]
    assert list(Notification.objects.values_list("email", "kind", "object_key")) == [
        ("cy@example.org", "evaluation_reminder", f"session:{held.pk}")
    ]
    (event,) = AuditEvent.objects.filter(action=AuditEvent.Action.EVALUATION_REMINDERS_SENT)
    assert (event.actor, event.program_id, event.object_id, event.extra) == (
        coordinator,
        held.program_id,
        held.pk,
        {"sent": 1, "already_reminded": 0},
    )


def test_remind_missing_evaluations_reaches_those_newly_missing_only_it(held, people, coordinator):
    services.remind_missing_evaluations(session=held, by=coordinator)
    late = _member(held.program, "Gil Late", "gil@example.org")
    AttendanceFactory(session=held, user=late, minutes=120)

    result = services.remind_missing_evaluations(session=held, by=coordinator)

    assert (result.sent, result.already_reminded) == (1, 1)
    assert sorted(EvaluationReminder.objects.values_list("user__email", flat=True)) == [
        "cy@example.org",
        "gil@example.org",
    ]


def test_remind_missing_evaluations_leaves_out_who_turned_requests_off(held, people, coordinator):
    set_muted_kinds(user=people["unevaluated"], kinds=["evaluation_request"])

    result = services.remind_missing_evaluations(session=held, by=coordinator)

    assert (result.sent, result.already_reminded, result.opted_out) == (0, 0, 1)
    assert EvaluationReminder.objects.count() == Notification.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EVALUATION_REMINDERS_SENT).count() == 0


def test_remind_missing_evaluations_does_not_mail_a_row_another_click_won(held, people, coordinator):
    # A concurrent click inserted this person's row first: its batch, not ours.
    EvaluationReminder.objects.create(
        session=held,
        user=people["unevaluated"],
        sent_by=coordinator,
        batch="00000000-0000-0000-0000-000000000001",
    )

    result = services.remind_missing_evaluations(session=held, by=coordinator)

    assert (result.sent, result.already_reminded) == (0, 1)
    assert Notification.objects.count() == 0


def test_evaluation_reminder_is_unique_per_person_and_session(held, people, coordinator):
    services.remind_missing_evaluations(session=held, by=coordinator)

    with pytest.raises(IntegrityError):
        EvaluationReminder.objects.create(
            session=held, user=people["unevaluated"], batch="00000000-0000-0000-0000-000000000002"
        )


@pytest.mark.parametrize(
    ("at", "error"),
    [
        (
            END + timedelta(days=14),
            "The evaluation of this session closed Wed 18 Nov 2026, 14:00 EST: "
            "a reminder can no longer earn anyone credits.",
        ),
        (END - timedelta(minutes=1), "Reminders to evaluate go out once the session has ended."),
    ],
)
def test_remind_missing_evaluations_outside_the_window_is_refused(
    time_machine, held, people, coordinator, at, error
):
    time_machine.move_to(at)

    with pytest.raises(ValidationError) as caught:
        services.remind_missing_evaluations(session=held, by=coordinator)

    assert caught.value.messages == [error]
    assert EvaluationReminder.objects.count() == Notification.objects.count() == 0


def test_remind_missing_evaluations_of_a_cancelled_session_is_refused(held, people, coordinator):
    Session.objects.filter(pk=held.pk).update(status=Session.Status.CANCELLED)
    held.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        services.remind_missing_evaluations(session=held, by=coordinator)

    assert caught.value.messages == ["This session was cancelled: there is nothing to evaluate."]


# the reminder button


def _remind_url(session) -> str:
    return reverse("cpd:remind_evaluations", args=[session.program.slug, session.pk])


def test_remind_view_sends_once_and_says_so_the_second_time(
    client, held, people, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_remind_url(held))
        client.get(first.url)
        second = client.post(_remind_url(held))
    page = client.get(second.url).content.decode()

    progress = f"{reverse('cpd:progress', args=[held.program.slug])}?session={held.pk}"
    assert (first.status_code, first.url, second.url) == (302, progress, progress)
    assert _levels(first) == [(constants.SUCCESS, "Reminder to evaluate sent to 1 person.")]
    assert _levels(second) == [
        (
            constants.INFO,
            "No reminder sent: nobody is waiting for a first reminder "
            "(1 was reminded before and is not emailed again).",
        )
    ]
    assert [m.to for m in mail.outbox] == [["cy@example.org"]]
    assert "Reminded Fri 6 Nov 2026" in page
    assert "Remind those missing an evaluation" not in page
    assert "Everyone missing only the evaluation has been reminded once" in page


def test_remind_view_after_the_window_shows_the_reason_and_sends_nothing(
    client, time_machine, held, people, coordinator
):
    time_machine.move_to(END + timedelta(days=20))
    client.force_login(coordinator)

    response = client.post(_remind_url(held))
    page = client.get(response.url).content.decode()

    assert _levels(response) == [
        (
            constants.ERROR,
            "The evaluation of this session closed Wed 18 Nov 2026, 14:00 EST: "
            "a reminder can no longer earn anyone credits.",
        )
    ]
    assert "Remind those missing an evaluation" not in page
    assert "closed Wed 18 Nov 2026, 14:00 EST: a reminder can no longer help" in page
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "status"),
    [("participant", 403), ("expert", 403), ("other_coordinator", 404), ("outsider", 404)],
)
def test_remind_view_refused_changes_nothing(client, request, held, people, role, status):
    client.force_login(request.getfixturevalue(role))
    before = snapshot()

    response = client.post(_remind_url(held))

    assert response.status_code == status
    assert changes_since(before) == {}
    assert mail.outbox == []


def test_remind_view_of_another_programs_session_is_404(client, coordinator, people, other_session):
    client.force_login(coordinator)
    before = snapshot()

    responses = [
        client.post(reverse("cpd:remind_evaluations", args=[slug, other_session.pk]))
        for slug in ("chronic-pain", other_session.program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert changes_since(before) == {}


def test_remind_view_needs_login_and_post(client, held, coordinator):
    url = _remind_url(held)

    anonymous = client.post(url)
    client.force_login(coordinator)
    get = client.get(url)

    assert (anonymous.status_code, anonymous.url) == (302, f"{reverse('account_login')}?next={url}")
    assert (get.status_code, get["Allow"]) == (405, "POST")


def test_reminded_person_who_evaluates_then_earns_the_certificate(client, held, people, coordinator):
    services.remind_missing_evaluations(session=held, by=coordinator)
    EvaluationFactory(session=held, user=people["unevaluated"])

    result = services.bulk_issue_for_session(session=held, by=coordinator)

    assert result == {"issued": 3, "existing": 0}
    assert Certificate.objects.get(user=people["unevaluated"]).credits == Decimal("2.00")


def test_two_coordinators_reminding_at_once_email_each_person_once(
    postgresql, held, people, coordinator, django_capture_on_commit_callbacks
):
    other = EnrollmentFactory(program=held.program, role="coordinator").user

    # The second click comes while the first one's transaction is still open: its insert waits
    # on the first's reminder row, then finds it there.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = services.remind_missing_evaluations(session=held, by=coordinator)
        second = Contender(lambda: services.remind_missing_evaluations(session=held, by=other))
        second.wait_until_blocked()
    raced = second.outcome()

    assert (first.sent, first.already_reminded) == (1, 0)
    assert (raced.sent, raced.already_reminded) == (0, 1), raced
    assert list(EvaluationReminder.objects.values_list("user__email", "sent_by")) == [
        ("cy@example.org", coordinator.pk)
    ]
    assert Notification.objects.filter(kind="evaluation_reminder").count() == 1
    assert [m.to for m in mail.outbox] == [["cy@example.org"]]


# cycle summaries


@pytest.fixture
def cycle_people(program, time_machine):
    time_machine.move_to(END + timedelta(days=2))
    cycle = CycleFactory(program=program, name="Fall 2026")
    first = SessionFactory(
        program=program, cycle=cycle, title="Session 1", starts_at=START - timedelta(days=7)
    )
    second = SessionFactory(program=program, cycle=cycle, title="Session 2", starts_at=START)
    p = {
        "earner": _member(program, "Ada Earner", "ada@example.org"),
        "nothing": _member(program, "Ben Nothing", "ben@example.org"),
        "nameless": _member(program, "", "nameless@example.org"),
    }
    for session in (first, second):
        AttendanceFactory(session=session, user=p["earner"], minutes=120)
        EvaluationFactory(session=session, user=p["earner"])
        AttendanceFactory(session=session, user=p["nameless"], minutes=120)
        EvaluationFactory(session=session, user=p["nameless"])
    AttendanceFactory(session=first, user=p["nothing"], minutes=60)
    EvaluationFactory(session=first, user=p["nothing"])
    AttendanceFactory(session=second, user=p["nothing"], minutes=120)
    AttendanceFactory(
        session=second,
        user=UserFactory(email="joined@example.org", full_name="Di Joined"),
        minutes=110,
        source="join",
    )
    return cycle, p


def test_missed_cycle_certificates_sums_up_why_each_session_earned_nothing(cycle_people):
    cycle, _ = cycle_people

    missed = services.missed_cycle_certificates(cycle=cycle)

    assert [(m.user.email, m.sessions, [r.text for r in m.reasons]) for m in missed] == [
        ("nameless@example.org", 2, ["No full name on their profile: it is printed on the certificate"]),
        ("ada@example.org", 2, ["Has 4 credits in this cycle; no summary issued yet"]),
        (
            "ben@example.org",
            2,
            [
                "No credits earned in this cycle: below the attendance threshold in 1 session; "
                "evaluation missing in 1 session"
            ],
        ),
        (
            "joined@example.org",
            1,
            [
                "No credits earned in this cycle: provisional attendance not confirmed in 1 session; "
                "evaluation missing in 1 session"
            ],
        ),
    ]


def test_bulk_issue_for_a_cycle_lists_who_got_no_summary_and_why(client, cycle_people, coordinator):
    cycle, _ = cycle_people
    client.force_login(coordinator)
    url = reverse("cpd:bulk_issue", args=[cycle.program.slug])

    response = client.post(url, {"cycle": cycle.pk})
    client.get(response.url)
    again = client.post(url, {"cycle": cycle.pk})
    page = client.get(again.url).content.decode()

    assert _levels(response) == [(constants.SUCCESS, "1 certificate issued.")]
    assert _levels(again) == [
        (
            constants.WARNING,
            "No certificate issued (1 existed already). The table below says who got none and why.",
        )
    ]
    assert "Who got no cycle summary from this issue</h2>" in page
    assert "Already issued Fri 6 Nov 2026" in page
    assert "No credits earned in this cycle: below the attendance threshold in 1 session" in page
    assert "No full name on their profile" in page


def test_cycle_progress_page_query_count_does_not_grow_with_those_missed(client, cycle_people, coordinator):
    cycle, _ = cycle_people
    client.force_login(coordinator)
    url = f"{reverse('cpd:progress', args=[cycle.program.slug])}?cycle={cycle.pk}"
    ctx1, body1 = capture_render(client, url)
    second = Session.objects.get(cycle=cycle, title="Session 2")
    for n in range(2):
        AttendanceFactory(
            session=second, user=_member(cycle.program, f"More {n}", f"more{n}@example.org"), minutes=30
        )

    ctx3, body3 = capture_render(client, url)

    assert (body1.count("No credits earned"), body3.count("No credits earned")) == (2, 4)
    assert len(ctx1) == len(ctx3), sql(ctx1, ctx3)
