"""The curriculum table and the curriculum CSV import, through the coordinator's pages."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from echo_hub.audit.models import AuditEvent
from sessions.curriculum_csv import COLUMNS
from sessions.models import GuestPresenter, Session
from tests.factories import CycleFactory, SessionFactory
from tests.querycount import capture_render, sql
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)


@pytest.fixture
def cycle(program):
    return CycleFactory(program=program, name="Fall 2026", start_date=timezone.localdate())


def _add_sessions(cycle, count: int) -> list[Session]:
    start = timezone.now() + timedelta(days=7)
    existing = cycle.sessions.count()
    return [
        SessionFactory(
            program=cycle.program,
            cycle=cycle,
            number=existing + n,
            title=f"Session {existing + n}",
            starts_at=start + timedelta(weeks=existing + n),
        )
        for n in range(1, count + 1)
    ]


@pytest.fixture
def sessions(cycle):
    return _add_sessions(cycle, 2)


def _url(name: str, cycle) -> str:
    return reverse(f"sessions:manage_{name}", args=[cycle.program.slug, cycle.pk])


def _table(sessions, rows: dict[int, dict]) -> dict:
    data = {
        "row-TOTAL_FORMS": str(len(sessions)),
        "row-INITIAL_FORMS": str(len(sessions)),
        "row-MIN_NUM_FORMS": "0",
        "row-MAX_NUM_FORMS": "200",
    }
    for i, session in enumerate(sessions):
        fields = {
            "session_id": str(session.pk),
            "didactic_topic": "",
            "presenter": "",
            "guest_name": "",
            "guest_profession": "",
            "guest_affiliation": "",
            "learning_objectives": "",
        } | rows.get(i, {})
        data |= {f"row-{i}-{name}": value for name, value in fields.items()}
    return data


def _messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def test_curriculum_table_saves_every_row_at_once(client, cycle, sessions, coordinator, expert):
    client.force_login(coordinator)

    response = client.post(
        _url("curriculum", cycle),
        _table(
            sessions,
            {
                0: {
                    "didactic_topic": "Opioid tapering",
                    "presenter": str(expert.pk),
                    "learning_objectives": "Plan a taper\r\nManage withdrawal",
                },
                1: {
                    "didactic_topic": "Pain and sleep",
                    "guest_name": "Dr. Ana Guest",
                    "guest_profession": "Pharmacist",
                    "guest_affiliation": "Queen's University",
                },
            },
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == _url("curriculum", cycle)
    assert _messages(response) == ["Curriculum saved: 2 sessions changed."]
    first, second = (Session.objects.get(pk=s.pk) for s in sessions)
    assert (first.didactic_topic, first.presenter_id, first.objectives) == (
        "Opioid tapering",
        expert.pk,
        ["Plan a taper", "Manage withdrawal"],
    )
    assert second.guest_presenter.name_with_credentials == "Dr. Ana Guest, Pharmacist, Queen's University"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_EDITED, actor=coordinator).count() == 2


def test_curriculum_table_row_error_keeps_what_was_typed_and_saves_nothing(
    client, cycle, sessions, coordinator, expert
):
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(
        _url("curriculum", cycle),
        _table(
            sessions,
            {
                0: {"didactic_topic": "Opioid tapering", "learning_objectives": "Plan a taper"},
                1: {
                    "didactic_topic": "Pain and sleep",
                    "presenter": str(expert.pk),
                    "guest_name": "Dr. Ana Guest",
                },
            },
        ),
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was saved. Fix the rows marked below:" in body
    assert '<a class="alert-link" href="#row-2">Session 2</a>: Guest presenter: ' in body
    assert escape("Choose a member as presenter or type a guest's name, not both.") in body
    assert 'value="Opioid tapering"' in body
    assert 'value="Dr. Ana Guest"' in body
    assert ">Plan a taper</textarea>" in body
    assert f'<option value="{expert.pk}" selected>' in body
    assert changes_since(before) == {}


def test_curriculum_table_refuses_a_session_of_another_program(
    client, cycle, sessions, coordinator, other_program
):
    foreign = SessionFactory(program=other_program, didactic_topic="Their topic")
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(
        _url("curriculum", cycle), _table([sessions[0], foreign], {1: {"didactic_topic": "Hijacked"}})
    )

    assert response.status_code == 200
    assert "This session is not in the cycle." in response.content.decode()
    assert changes_since(before) == {}


def test_curriculum_table_query_count_does_not_grow_with_sessions(client, cycle, coordinator, expert):
    client.force_login(coordinator)
    _add_sessions(cycle, 1)
    guest = GuestPresenter.objects.create(program=cycle.program, name="Dr. Ana Guest")
    cycle.sessions.update(presenter=expert)
    one, body_one = capture_render(client, _url("curriculum", cycle))
    for session in _add_sessions(cycle, 2):
        Session.objects.filter(pk=session.pk).update(guest_presenter=guest)
    three, body_three = capture_render(client, _url("curriculum", cycle))

    assert body_one.count('name="row-0-didactic_topic"') == 1
    assert body_three.count('-didactic_topic" id=') == 3
    assert (len(one), len(three)) == (7, 7), sql(one, three)


def test_curriculum_template_lists_the_cycles_sessions(client, cycle, sessions, coordinator, expert):
    Session.objects.filter(pk=sessions[0].pk).update(didactic_topic="Opioid tapering", presenter=expert)
    client.force_login(coordinator)

    response = client.get(_url("curriculum_template", cycle))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="curriculum-{cycle.program.slug}-{cycle.pk}.csv"'
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    day = sessions[0].starts_at.astimezone(cycle.program.zone).date()
    assert lines == [HEADER, f"1,{day:%Y-%m-%d},Opioid tapering,expert@example.org,,,,", lines[2]]


def _upload(client, cycle, text: str):
    upload = SimpleUploadedFile("curriculum.csv", text.encode(), content_type="text/csv")
    return client.post(_url("curriculum_import", cycle), {"file": upload})


def test_curriculum_import_previews_then_applies_on_confirm(client, cycle, sessions, coordinator, expert):
    client.force_login(coordinator)
    text = (
        f'{HEADER}\n1,,Opioid tapering,expert@example.org,,,,"Plan a taper\nManage withdrawal"\n'
        "2,,Pain and sleep,,Elder Mary Moose,,Moose Cree First Nation,\n"
    )
    before = snapshot()

    preview = _upload(client, cycle, text)

    body = preview.content.decode()
    assert "All 2 rows can be imported. Nothing has been saved yet" in body
    assert "Plan a taper<br>Manage withdrawal" in body
    assert "Import the curriculum of 2 sessions" in body
    assert changes_since(before) == {}

    response = client.post(_url("curriculum_import_confirm", cycle))

    assert response["Location"] == _url("curriculum", cycle)
    assert _messages(response) == ["Curriculum imported: 2 sessions changed."]
    first, second = (Session.objects.get(pk=s.pk) for s in sessions)
    assert (first.didactic_topic, first.presenter_id) == ("Opioid tapering", expert.pk)
    assert first.objectives == ["Plan a taper", "Manage withdrawal"]
    assert second.guest_presenter.name_with_credentials == "Elder Mary Moose, Moose Cree First Nation"
    sources = set(
        AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_EDITED).values_list(
            "extra__source", flat=True
        )
    )
    assert sources == {"curriculum_csv"}


def test_curriculum_import_with_errors_lists_each_with_row_and_column_and_cannot_be_confirmed(
    client, cycle, sessions, coordinator
):
    client.force_login(coordinator)
    before = snapshot()

    preview = _upload(client, cycle, f"{HEADER}\n1,,Opioid tapering,,,,,\n7,,Lost,not-an-email,,,,\n")
    confirm = client.post(_url("curriculum_import_confirm", cycle))

    body = preview.content.decode()
    assert "2 problems to fix in the file. Nothing has been imported." in body
    assert (
        'Row 3, column <code class="text-body">session</code>: “7” is not the number of a session of this cycle.'
        in body
    )
    assert (
        'Row 3, column <code class="text-body">presenter_email</code>: “not-an-email” is not a valid email address.'
        in body
    )
    assert "curriculum/import/confirm/" not in body
    assert _messages(confirm) == ["Upload the curriculum file again: the preview has expired."]
    assert changes_since(before) == {}


def test_curriculum_import_of_a_file_without_the_columns_says_which_are_missing(
    client, cycle, sessions, coordinator
):
    client.force_login(coordinator)

    response = _upload(client, cycle, "email,name\nx@example.org,X\n")

    assert response.status_code == 200
    assert "Missing: session, topic, presenter_email" in response.content.decode()


def test_curriculum_import_confirm_rechecks_the_file(client, cycle, sessions, coordinator):
    client.force_login(coordinator)
    _upload(client, cycle, f"{HEADER}\n2,,Pain and sleep,,,,,\n")
    Session.objects.filter(pk=sessions[1].pk).update(cycle=None)
    before = snapshot()

    response = client.post(_url("curriculum_import_confirm", cycle))

    assert response["Location"] == _url("curriculum_import", cycle)
    assert _messages(response) == [
        "Nothing was imported. The sessions of the cycle changed since the preview; check the file again."
    ]
    assert changes_since(before) == {}


def test_session_page_shows_the_guest_presenter_and_objectives(
    client, cycle, sessions, coordinator, participant
):
    guest = GuestPresenter.objects.create(
        program=cycle.program, name="Dr. Ana Guest", profession="Pharmacist", affiliation="Queen's University"
    )
    Session.objects.filter(pk=sessions[0].pk).update(
        guest_presenter=guest, learning_objectives="Plan a taper"
    )
    client.force_login(participant)

    body = client.get(sessions[0].get_absolute_url()).content.decode()

    assert escape("Dr. Ana Guest, Pharmacist, Queen's University") in body
    assert "<li>Plan a taper</li>" in body


def test_session_edit_page_names_the_guest_and_a_member_chosen_there_replaces_them(
    client, cycle, sessions, coordinator, expert
):
    guest = GuestPresenter.objects.create(
        program=cycle.program, name="Dr. Ana Guest", profession="Pharmacist"
    )
    Session.objects.filter(pk=sessions[0].pk).update(guest_presenter=guest)
    url = reverse("sessions:manage_session_edit", args=[cycle.program.slug, sessions[0].pk])
    client.force_login(coordinator)

    page = client.get(url).content.decode()
    response = client.post(url, {"title": sessions[0].title, "presenter": expert.pk, "case_slots": "3"})

    assert "Now a guest: Dr. Ana Guest, Pharmacist. Choosing a member here replaces the guest." in page
    assert response.status_code == 302
    session = Session.objects.get(pk=sessions[0].pk)
    assert (session.presenter_id, session.guest_presenter_id) == (expert.pk, None)
    assert (
        AuditEvent.objects.get(action=AuditEvent.Action.SESSION_EDITED).extra["guest_presenter"]
        == f"#{guest.pk} → none"
    )
