from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from echo_hub.notifications import services
from echo_hub.notifications.kinds import OPTIONAL_KINDS
from echo_hub.notifications.models import Notification, NotificationPreference
from echo_hub.site.tasks import sweep_due_messages_task
from sessions.reminders import send_due_session_reminders
from tests.factories import AttendanceFactory, CaseFactory, CaseSlotFactory, SessionFactory
from tests.snapshot import changes_since, snapshot

PREFERENCES = "/account/notifications/"


def _muted(user) -> list[str]:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.muted_kinds if preference else []


def _unsubscribe_path(message) -> str:
    """The path of the message's one-click unsubscribe link, read from its header."""
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://testserver/notifications/unsubscribe/")
    return url.removeprefix("http://testserver")


@pytest.fixture
def session_tomorrow(program):
    return SessionFactory(program=program, title="Session 7", starts_at=timezone.now() + timedelta(hours=23))


@pytest.fixture
def reminder(session_tomorrow, participant, django_capture_on_commit_callbacks):
    """The day-before reminder as the participant received it."""
    with django_capture_on_commit_callbacks(execute=True):
        send_due_session_reminders()
    (message,) = mail.outbox
    mail.outbox.clear()
    return message


# The preferences page.


def test_preferences_url_is_stable():
    assert reverse("notifications:preferences") == PREFERENCES


@pytest.mark.django_db
def test_preferences_page_offers_every_optional_kind_turned_on(client, participant):
    client.force_login(participant)

    response = client.get(PREFERENCES)

    form = response.context["form"]
    assert response.status_code == 200
    assert [(name, field.label, field.initial) for name, field in form.fields.items()] == [
        (kind, label, True) for kind, label in OPTIONAL_KINDS.items()
    ]
    assert "Cancellations and changes of a session" in response.content.decode()


@pytest.mark.django_db
def test_preferences_page_saves_the_kinds_turned_off(client, participant):
    client.force_login(participant)

    response = client.post(PREFERENCES, {"session_reminder_1h": "on", "evaluation_request": "on"})

    assert response.status_code == 302
    assert response["Location"] == PREFERENCES
    assert _muted(participant) == [
        "case_presenter_reminder",
        "overdue_recommendations",
        "session_reminder_24h",
    ]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your email preferences are saved."]
    page = client.get(PREFERENCES)
    assert {name: field.initial for name, field in page.context["form"].fields.items()} == {
        "session_reminder_24h": False,
        "session_reminder_1h": True,
        "evaluation_request": True,
        "case_presenter_reminder": False,
        "overdue_recommendations": False,
    }


@pytest.mark.django_db
def test_preferences_page_turns_a_muted_kind_back_on(client, participant):
    services.set_muted_kinds(user=participant, kinds=OPTIONAL_KINDS)
    client.force_login(participant)

    client.post(PREFERENCES, dict.fromkeys(OPTIONAL_KINDS, "on"))

    assert _muted(participant) == []


@pytest.mark.django_db
def test_preferences_page_sends_anonymous_to_login(client):
    response = client.get(PREFERENCES)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PREFERENCES}"


@pytest.mark.django_db
def test_preferences_page_refuses_put_with_405(client, participant):
    client.force_login(participant)

    response = client.put(PREFERENCES)

    assert (response.status_code, response["Allow"]) == (405, "GET, POST")


@pytest.mark.django_db
def test_set_muted_kinds_ignores_essential_kinds(participant):
    preference = services.set_muted_kinds(
        user=participant, kinds=["session_cancelled", "session_reminder_1h"]
    )

    assert preference.muted_kinds == ["session_reminder_1h"]


# What muting does to the outbox.


@pytest.mark.django_db
def test_muted_reminder_is_not_queued_for_that_member_only(
    session_tomorrow, participant, expert, django_capture_on_commit_callbacks
):
    services.set_muted_kinds(user=participant, kinds=["session_reminder_24h"])

    with django_capture_on_commit_callbacks(execute=True):
        queued = send_due_session_reminders()

    assert queued == 1
    assert [m.to for m in mail.outbox] == [["expert@example.org"]]
    assert list(Notification.objects.values_list("email", flat=True)) == ["expert@example.org"]


@pytest.mark.django_db
def test_muting_the_day_before_reminder_keeps_the_hour_before_one(
    program, participant, django_capture_on_commit_callbacks
):
    services.set_muted_kinds(user=participant, kinds=["session_reminder_24h"])
    SessionFactory(program=program, starts_at=timezone.now() + timedelta(minutes=45))

    with django_capture_on_commit_callbacks(execute=True):
        send_due_session_reminders()

    assert list(Notification.objects.values_list("email", "kind")) == [
        ("participant@example.org", "session_reminder_1h")
    ]


@pytest.mark.django_db
def test_queue_email_skips_a_muted_optional_kind_and_keeps_essential_ones(
    participant, session_tomorrow, django_capture_on_commit_callbacks
):
    services.set_muted_kinds(user=participant, kinds=OPTIONAL_KINDS)
    context = {"session": session_tomorrow, "program": session_tomorrow.program, "session_url": "http://x/"}

    with django_capture_on_commit_callbacks(execute=True):
        optional = services.queue_email(
            email=participant.email,
            user=participant,
            kind="session_reminder_24h",
            object_key="session:1",
            template="session_reminder",
            context=context,
        )
        essential = services.queue_email(
            email=participant.email,
            user=participant,
            kind="session_cancelled",
            object_key="session:1:seq1",
            template="session_cancelled",
            context=context,
        )

    assert optional is None
    assert essential is not None
    assert list(Notification.objects.values_list("kind", "status")) == [("session_cancelled", "sent")]
    assert [m.subject for m in mail.outbox] == ["Cancelled: Chronic Pain & Opioid Stewardship — Session 7"]


# One-click unsubscribe (RFC 8058).


@pytest.mark.django_db
def test_every_optional_email_carries_a_signed_one_click_unsubscribe(
    program, coordinator, django_capture_on_commit_callbacks
):
    now = timezone.now()
    tomorrow = SessionFactory(program=program, title="Session 7", starts_at=now + timedelta(hours=23))
    SessionFactory(program=program, title="Session 8", starts_at=now + timedelta(minutes=40))
    yesterday = SessionFactory(program=program, title="Session 6", starts_at=now - timedelta(days=1))
    AttendanceFactory(session=yesterday, user=coordinator)
    last_month = SessionFactory(program=program, title="Session 2", starts_at=now - timedelta(days=30))
    CaseSlotFactory(case=CaseFactory(program=program, status=Case.Status.PRESENTED), session=last_month)
    CaseSlotFactory(
        case=CaseFactory(program=program, presenter=coordinator, status=Case.Status.SCHEDULED),
        session=tomorrow,
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_due_messages_task()

    kinds = {}
    for message in mail.outbox:
        token = _unsubscribe_path(message).split("/")[-2]
        user_id, kind = services.read_unsubscribe_token(token)
        assert (message.to, user_id) == ([coordinator.email], coordinator.pk)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == dict.fromkeys(OPTIONAL_KINDS, 1)
    assert sorted(Notification.objects.values_list("kind", flat=True)) == sorted(OPTIONAL_KINDS)


@pytest.mark.django_db
def test_essential_email_has_no_unsubscribe_header(
    participant, session_tomorrow, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email(
            email=participant.email,
            user=participant,
            kind="session_cancelled",
            object_key="session:1:seq1",
            template="session_cancelled",
            context={
                "session": session_tomorrow,
                "program": session_tomorrow.program,
                "session_url": "http://x/",
            },
        )

    (message,) = mail.outbox
    assert message.extra_headers == {}
    assert "unsubscribe" not in message.body.lower()


@pytest.mark.django_db
def test_one_click_post_without_csrf_token_mutes_that_kind(
    reminder, participant, django_capture_on_commit_callbacks
):
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(_unsubscribe_path(reminder), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert f"<strong>{OPTIONAL_KINDS['session_reminder_24h']}</strong>" in response.content.decode()
    assert _muted(participant) == ["session_reminder_24h"]


@pytest.mark.django_db
def test_one_click_unsubscribe_stops_that_kind_in_the_next_sweep(
    reminder, program, participant, expert, django_capture_on_commit_callbacks
):
    Client(enforce_csrf_checks=True).post(_unsubscribe_path(reminder))
    SessionFactory(program=program, title="Session 8", starts_at=timezone.now() + timedelta(hours=20))

    with django_capture_on_commit_callbacks(execute=True):
        send_due_session_reminders()

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("expert@example.org", "Tomorrow: Chronic Pain & Opioid Stewardship — Session 7"),
        ("expert@example.org", "Tomorrow: Chronic Pain & Opioid Stewardship — Session 8"),
    ]


@pytest.mark.django_db
def test_one_click_unsubscribe_twice_keeps_one_entry_and_other_choices(client, reminder, participant):
    services.set_muted_kinds(user=participant, kinds=["evaluation_request"])

    first = client.post(_unsubscribe_path(reminder))
    second = client.post(_unsubscribe_path(reminder))

    assert (first.status_code, second.status_code) == (200, 200)
    assert _muted(participant) == ["evaluation_request", "session_reminder_24h"]


@pytest.mark.django_db
def test_unsubscribe_get_asks_for_confirmation_and_changes_nothing(client, reminder, participant):
    path = _unsubscribe_path(reminder)

    response = client.get(path)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Stop these emails?" in content
    assert f'<form method="post" action="{path}">' in content
    assert NotificationPreference.objects.filter(user=participant).exists() is False


@pytest.mark.django_db
def test_unsubscribe_with_a_tampered_token_is_404(client, reminder, participant):
    path = _unsubscribe_path(reminder)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    before = snapshot()

    response = client.post(tampered)

    assert response.status_code == 404
    assert NotificationPreference.objects.filter(user=participant).exists() is False
    assert changes_since(before) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["session_cancelled", "certificate_ready"])
def test_unsubscribe_from_an_essential_kind_is_404(client, participant, kind):
    token = services.unsubscribe_token(user_id=participant.pk, kind=kind)
    before = snapshot()

    response = client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 404
    assert NotificationPreference.objects.filter(user=participant).exists() is False
    assert changes_since(before) == {}


@pytest.mark.django_db
def test_unsubscribe_of_a_deactivated_account_is_404(client, reminder, participant):
    participant.is_active = False
    participant.save(update_fields=["is_active"])
    before = snapshot()

    response = client.post(_unsubscribe_path(reminder))

    assert response.status_code == 404
    assert changes_since(before) == {}


@pytest.mark.django_db
def test_unsubscribe_refuses_put_with_405(client, reminder):
    response = client.put(_unsubscribe_path(reminder))

    assert (response.status_code, response["Allow"]) == (405, "GET, POST")
