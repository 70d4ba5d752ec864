"""The certificate lifecycle through its pages: closing a cycle early, the reason asked when a
change of attendance touches an issued certificate, reissues, and what /verify says."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpd import services
from cpd.models import Certificate
from echo_hub.audit.models import AuditEvent
from echo_hub.lib.timefmt import date_time
from sessions import attendance
from sessions.models import Attendance, Cycle
from tests.factories import (
    AttendanceFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    SessionFactory,
    UserFactory,
)
from tests.querycount import sql
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


@pytest.fixture
def ana(program):
    CreditTypeFactory(program=program)
    return EnrollmentFactory(
        program=program, user=UserFactory(email="ana@example.org", full_name="Ana Lopez")
    ).user


def _issued(session, user, minutes: int = 120, source: str = "report") -> Certificate:
    AttendanceFactory(session=session, user=user, minutes=minutes, source=source)
    EvaluationFactory(session=session, user=user)
    return services.issue_session_certificate(user=user, session=session)


@pytest.fixture
def running_cycle(program):
    """A cycle with one session held and one a week ahead."""
    cycle = CycleFactory(program=program, name="Fall 2026")
    PastSessionFactory(program=program, cycle=cycle, title="Held")
    SessionFactory(program=program, cycle=cycle, title="Ahead")
    return cycle


def _close_url(cycle: Cycle) -> str:
    return reverse("cpd:cycle_close", args=[cycle.program.slug, cycle.pk])


# closing a cycle early


def test_close_cycle_page_says_what_closing_does(client, coordinator, running_cycle):
    client.force_login(coordinator)

    response = client.get(_close_url(running_cycle))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Close Fall 2026 early?</h1>" in body
    assert "1 session of this cycle is still to come." in body
    assert 'name="reason"' in body


def test_close_cycle_with_a_reason_closes_it_and_is_audited(client, coordinator, running_cycle):
    client.force_login(coordinator)

    response = client.post(_close_url(running_cycle), {"reason": "Program paused after session 1"})

    running_cycle.refresh_from_db()
    assert (response.status_code, response.url) == (
        302,
        reverse("cpd:manage_certificates", args=[running_cycle.program.slug]),
    )
    assert _messages(response) == ["Fall 2026 is closed: its certificates can be issued now."]
    assert (running_cycle.closed_reason, running_cycle.closed_by) == (
        "Program paused after session 1",
        coordinator,
    )
    assert AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_CLOSED).actor == coordinator


def test_close_cycle_without_a_reason_shows_the_error_and_changes_nothing(client, coordinator, running_cycle):
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(_close_url(running_cycle), {"reason": ""})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Say why the cycle closes early: accreditation audits ask." in body
    assert changes_since(before) == {}


def test_close_cycle_during_a_session_keeps_the_reason_typed(client, coordinator, program, time_machine):
    cycle = CycleFactory(program=program, name="Fall 2026")
    live = SessionFactory(program=program, cycle=cycle, title="Live now")
    time_machine.move_to(live.starts_at + timedelta(minutes=10), tick=False)
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(_close_url(cycle), {"reason": "Program paused"})

    body = response.content.decode()
    assert response.status_code == 200
    assert f"Live now is under way until {date_time(live.ends_at)}: close the cycle after it ends." in body
    assert re.search(r'name="reason"[^>]*>\s*Program paused</textarea>', body)
    assert changes_since(before) == {}


def test_manage_certificates_offers_closing_a_running_cycle_and_issuing_a_closed_one(
    client, coordinator, program, running_cycle
):
    closed = CycleFactory(program=program, name="Spring 2026")
    SessionFactory(program=program, cycle=closed)
    services.close_cycle_early(cycle=closed, by=coordinator, reason="Stopped")
    client.force_login(coordinator)

    body = client.get(reverse("cpd:manage_certificates", args=[program.slug])).content.decode()

    assert f'href="{_close_url(running_cycle)}">Close Fall 2026 early…</a>' in body
    assert "Issue Fall 2026 summaries" not in body
    assert "Issue Spring 2026 summaries" in body
    assert f'href="{_close_url(closed)}"' not in body


def test_bulk_issue_of_a_running_cycle_says_why_and_issues_nothing(client, coordinator, ana, running_cycle):
    held = running_cycle.sessions.get(title="Held")
    AttendanceFactory(session=held, user=ana, minutes=120)
    EvaluationFactory(session=held, user=ana)
    client.force_login(coordinator)

    response = client.post(
        reverse("cpd:bulk_issue", args=[running_cycle.program.slug]), {"cycle": running_cycle.pk}
    )

    ahead = running_cycle.sessions.get(title="Ahead")
    assert response.status_code == 302
    assert _messages(response) == [
        f"The cycle Fall 2026 is not over: its certificates can be issued once its last session ends, "
        f"{date_time(ahead.ends_at)}, or after a coordinator closes it early."
    ]
    assert Certificate.objects.count() == 0


# a change of attendance behind an issued certificate, through the roster


def _roster_url(session) -> str:
    return reverse("sessions:manage_attendance", args=[session.program.slug, session.pk])


def test_roster_marks_holders_and_asks_for_a_reason(client, coordinator, past_session, ana):
    _issued(past_session, ana, source="roster")
    client.force_login(coordinator)

    body = client.get(_roster_url(past_session)).content.decode()

    assert "Certificate issued</span> a change needs a reason" in body
    assert 'name="correction_reason"' in body


def test_roster_without_certificates_asks_no_reason(client, coordinator, past_session, ana):
    AttendanceFactory(session=past_session, user=ana, minutes=120, source="roster")
    client.force_login(coordinator)

    body = client.get(_roster_url(past_session)).content.decode()

    assert 'name="correction_reason"' not in body


def test_roster_untick_of_a_holder_without_a_reason_keeps_the_input_and_changes_nothing(
    client, coordinator, past_session, ana
):
    _issued(past_session, ana, source="roster")
    other = EnrollmentFactory(program=past_session.program, user=UserFactory(full_name="Ben Roy")).user
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(
        _roster_url(past_session),
        {"shown": [ana.pk, other.pk], "present": [other.pk], "correction_reason": " "},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "Roster not saved: Ana Lopez already holds an issued certificate that counts this attendance. "
        "Give the reason for the change: the certificate is reissued with it." in body
    )
    # What the coordinator ticked stays as they left it: Ben ticked, Ana not.
    assert re.search(rf'value="{other.pk}" id="present-{other.pk}" checked', body)
    assert not re.search(rf'value="{ana.pk}" id="present-{ana.pk}" checked', body)
    assert changes_since(before) == {}


def test_roster_untick_of_a_holder_with_a_reason_revokes_the_certificate(
    client, coordinator, past_session, ana
):
    certificate = _issued(past_session, ana, source="roster")
    client.force_login(coordinator)

    response = client.post(
        _roster_url(past_session),
        {"shown": [ana.pk], "present": [], "correction_reason": "Ticked the wrong row"},
    )

    certificate.refresh_from_db()
    assert (response.status_code, _messages(response)) == (302, ["Roster saved (1 change)."])
    assert (certificate.status, certificate.revoked_reason) == (
        "revoked",
        "No longer earns these credits: Ticked the wrong row",
    )
    assert Attendance.objects.get(session=past_session, user=ana).minutes == 0


def test_adjusting_a_holder_reissues_the_certificate(client, coordinator, past_session, ana):
    old = _issued(past_session, ana)
    client.force_login(coordinator)

    response = client.post(
        reverse("sessions:manage_attendance_adjust", args=[past_session.program.slug, past_session.pk]),
        {"user": ana.email, "minutes": "100", "reason": "Report says 100 minutes"},
    )

    old.refresh_from_db()
    new = Certificate.objects.get(user=ana, superseded_at=None)
    assert response.status_code == 302
    assert (old.status, old.superseded_by, new.credits, new.issue_number) == (
        "superseded",
        new,
        Decimal("1.50"),
        1,
    )


def test_confirming_a_holders_provisional_attendance_takes_the_reason_from_the_page(
    client, coordinator, program, ana
):
    cycle = CycleFactory(program=program, name="Fall 2026")
    one = PastSessionFactory(program=program, cycle=cycle)
    two = PastSessionFactory(program=program, cycle=cycle, starts_at=one.starts_at + timedelta(days=1))
    _issued(one, ana)
    AttendanceFactory(session=two, user=ana, minutes=120, source="join")
    EvaluationFactory(session=two, user=ana)
    services.issue_cycle_certificate(user=ana, cycle=cycle)
    url = reverse("sessions:manage_attendance_confirm", args=[program.slug, two.pk])
    client.force_login(coordinator)

    refused = client.post(url, {"user": ana.pk})
    confirmed = client.post(url, {"user": ana.pk, "correction_reason": "Seen on camera"})

    assert _messages(refused) == [
        "Ana Lopez already holds an issued certificate that counts this attendance. Give the reason for the "
        "change: the certificate is reissued with it."
    ]
    # The first message was not shown yet (no page in between): the second comes after it.
    assert _messages(confirmed)[-1] == "1 provisional attendance confirmed."
    assert Certificate.objects.get(user=ana, cycle=cycle, superseded_at=None).credits == Decimal("4.00")


# reissue by hand


def test_reissue_with_new_facts_and_no_reason_says_so(client, coordinator, past_session, ana):
    certificate = _issued(past_session, ana, minutes=100)
    Attendance.objects.filter(user=ana).update(minutes=120)
    client.force_login(coordinator)

    refused = client.post(reverse("cpd:reissue", args=[certificate.pk]))
    replaced = client.post(reverse("cpd:reissue", args=[certificate.pk]), {"reason": "Report corrected"})

    assert _messages(refused) == [
        "The credits or their wording changed since this certificate was issued: give the reason, and a new "
        "certificate with a new code replaces it."
    ]
    assert (
        _messages(replaced)[-1] == "A new certificate with a new code replaces it; the old code now says so."
    )
    certificate.refresh_from_db()
    assert certificate.superseded_by.credits == Decimal("2.00")


# /verify


def _verify(client, certificate: Certificate):
    return client.get(reverse("cpd:verify", args=[certificate.code]))


def test_verify_of_a_superseded_certificate_points_to_the_current_one(client, coordinator, past_session, ana):
    old = _issued(past_session, ana)
    attendance.adjust_attendance(session=past_session, user=ana, minutes=100, reason="Report", by=coordinator)
    current = Certificate.objects.get(superseded_at=None)

    body = _verify(client, old).content.decode()

    assert "<strong>This certificate has been superseded.</strong>" in body
    assert "Valid certificate." not in body
    assert f'href="{reverse("cpd:verify", args=[current.code])}">{current.code}</a>' in body
    assert "Report" not in body  # the reason is the coordinator's note, not public


def test_verify_of_a_revoked_certificate_replaced_later_points_to_the_current_one(
    client, coordinator, past_session, ana
):
    first = _issued(past_session, ana)
    attendance.adjust_attendance(
        session=past_session, user=ana, minutes=0, reason="Wrong person", by=coordinator
    )
    attendance.adjust_attendance(
        session=past_session, user=ana, minutes=120, reason="Right after all", by=coordinator
    )
    current = Certificate.objects.get(superseded_at=None)

    body = _verify(client, first).content.decode()

    assert "<strong>This certificate has been revoked</strong>" in body
    assert f'href="{reverse("cpd:verify", args=[current.code])}">{current.code}</a>' in body
    assert "<strong>Valid certificate.</strong>" in _verify(client, current).content.decode()


def test_verify_of_a_revoked_certificate_with_no_replacement_points_nowhere(
    client, coordinator, past_session, ana
):
    certificate = _issued(past_session, ana)
    services.revoke_certificate(certificate=certificate, by=coordinator, reason="Fraud")

    body = _verify(client, certificate).content.decode()

    assert "<strong>This certificate has been revoked</strong>" in body
    assert "The current certificate" not in body


def test_verify_query_count_is_the_same_for_valid_superseded_and_revoked(
    client, coordinator, past_session, ana
):
    first = _issued(past_session, ana)
    for minutes in (110, 100):
        attendance.adjust_attendance(
            session=past_session, user=ana, minutes=minutes, reason="Report", by=coordinator
        )
    middle = Certificate.objects.get(superseded_by__isnull=False, pk__gt=first.pk)
    current = Certificate.objects.get(superseded_at=None)
    services.revoke_certificate(certificate=current, by=coordinator, reason="Fraud")
    counts = []
    for certificate in (first, middle, current):
        _verify(client, certificate)
        with CaptureQueriesContext(connection) as ctx:
            response = _verify(client, certificate)
        assert response.status_code == 200
        counts.append(ctx)

    assert [len(ctx) for ctx in counts] == [1, 1, 1], sql(*counts)


def _zoom_upload(session, minutes: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    start = session.starts_at.astimezone(session.program.zone)
    end = start + timedelta(minutes=minutes)
    text = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\n"
        f"Ana Lopez,ana@example.org,{start:%m/%d/%Y %I:%M:%S %p},{end:%m/%d/%Y %I:%M:%S %p},{minutes},No,No\n"
    )
    return SimpleUploadedFile("participants.csv", text.encode(), content_type="text/csv")


def test_importing_a_report_that_changes_a_holders_minutes_asks_for_the_reason(
    client, coordinator, past_session, ana
):
    certificate = _issued(past_session, ana)
    args = [past_session.program.slug, past_session.pk]
    client.force_login(coordinator)
    preview = client.post(
        reverse("sessions:manage_attendance_import", args=args), {"file": _zoom_upload(past_session, 100)}
    )
    confirm = reverse("sessions:manage_attendance_import_confirm", args=args)

    refused = client.post(confirm, {"action": "store", "correction_reason": ""})
    stored = client.post(confirm, {"action": "store", "correction_reason": "Zoom report arrived"})

    assert "Reason for changing the attendance behind 1 issued certificate" in preview.content.decode()
    assert refused.status_code == 400
    assert "Attendance not stored: Ana Lopez already holds an issued certificate" in refused.content.decode()
    assert stored.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.status, certificate.superseded_by.credits, certificate.superseded_reason) == (
        "superseded",
        Decimal("1.50"),
        "Zoom report arrived",
    )
