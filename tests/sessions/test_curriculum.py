"""A cycle's curriculum saved at once: topics, member or guest presenters, learning objectives;
any row with a problem refuses the whole curriculum."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from echo_hub.audit.models import AuditEvent
from sessions.curriculum import CurriculumError, CurriculumRow, possible_presenters, save_curriculum
from sessions.curriculum_csv import COLUMNS, parse_curriculum, template_csv
from sessions.models import GuestPresenter, Role, Session
from sessions.scheduling import edit_session
from tests.factories import CycleFactory, EnrollmentFactory, SessionFactory, UserFactory
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(program):
    return CycleFactory(program=program, name="Fall 2026", start_date=timezone.localdate())


@pytest.fixture
def sessions(cycle):
    start = timezone.now() + timedelta(days=7)
    return [
        SessionFactory(
            program=cycle.program,
            cycle=cycle,
            number=n,
            title=f"Session {n}",
            starts_at=start + timedelta(weeks=n),
        )
        for n in (1, 2, 3)
    ]


def _row(session, **fields) -> CurriculumRow:
    return CurriculumRow(session_id=session.pk, **fields)


def test_save_curriculum_writes_topics_presenters_and_objectives(cycle, sessions, coordinator, expert):
    save_curriculum(
        cycle=cycle,
        rows=[
            _row(
                sessions[0],
                didactic_topic="Opioid tapering",
                presenter_id=expert.pk,
                learning_objectives="• Plan a taper\n\n- Manage withdrawal\n",
            ),
            _row(
                sessions[1],
                didactic_topic="Pain and sleep",
                guest_name="Dr.  Ana Guest",
                guest_profession="Pharmacist",
                guest_affiliation="Queen's University",
            ),
        ],
        by=coordinator,
    )

    first, second, third = (Session.objects.get(pk=s.pk) for s in sessions)
    assert (first.didactic_topic, first.presenter_id, first.guest_presenter_id) == (
        "Opioid tapering",
        expert.pk,
        None,
    )
    assert first.objectives == ["Plan a taper", "Manage withdrawal"]
    assert second.presenter_id is None
    assert second.didactic_presenter.name_with_credentials == "Dr. Ana Guest, Pharmacist, Queen's University"
    assert (first.sequence, second.sequence, third.sequence) == (1, 1, 0)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_EDITED).order_by("object_id")
    assert [(e.object_id, e.extra["source"]) for e in events] == [
        (first.pk, "curriculum_table"),
        (second.pk, "curriculum_table"),
    ]
    assert events[0].extra["presenter_id"] == f"none → {expert.pk}"
    assert events[0].extra["learning_objectives"] == "changed"
    assert all(e.actor_id == coordinator.pk for e in events)


def test_save_curriculum_with_one_bad_row_saves_nothing(cycle, sessions, coordinator, expert):
    before = snapshot()

    with pytest.raises(CurriculumError) as caught:
        save_curriculum(
            cycle=cycle,
            rows=[
                _row(sessions[0], didactic_topic="Opioid tapering"),
                _row(sessions[1], presenter_id=expert.pk, guest_name="Dr. Ana Guest"),
                _row(sessions[2], guest_profession="Pharmacist"),
            ],
            by=coordinator,
        )

    assert caught.value.rows == {
        sessions[1].pk: {"guest_name": ["Choose a member as presenter or type a guest's name, not both."]},
        sessions[2].pk: {
            "guest_name": ["Type the guest presenter's name, or leave profession and affiliation empty."]
        },
    }
    assert changes_since(before) == {}


@pytest.mark.parametrize("who", ["participant", "other_expert", "outsider"])
def test_save_curriculum_refuses_a_presenter_who_is_not_the_programs_expert(
    cycle, sessions, coordinator, participant, other_program, who
):
    user = {
        "participant": participant,
        "other_expert": EnrollmentFactory(program=other_program, role=Role.EXPERT).user,
        "outsider": UserFactory(),
    }[who]
    before = snapshot()

    with pytest.raises(CurriculumError) as caught:
        save_curriculum(cycle=cycle, rows=[_row(sessions[0], presenter_id=user.pk)], by=coordinator)

    assert caught.value.rows == {
        sessions[0].pk: {"presenter": ["The presenter must be a hub expert or coordinator of this program."]}
    }
    assert changes_since(before) == {}


def test_save_curriculum_refuses_a_session_of_another_cycle_or_program(
    cycle, sessions, coordinator, other_program
):
    foreign = SessionFactory(program=other_program, cycle=CycleFactory(program=other_program))
    other_cycle_session = SessionFactory(program=cycle.program, cycle=CycleFactory(program=cycle.program))
    before = snapshot()

    with pytest.raises(CurriculumError) as caught:
        save_curriculum(
            cycle=cycle,
            rows=[
                _row(foreign, didactic_topic="Hijacked"),
                _row(other_cycle_session, didactic_topic="Moved"),
            ],
            by=coordinator,
        )

    assert set(caught.value.rows) == {foreign.pk, other_cycle_session.pk}
    assert caught.value.rows[foreign.pk] == {"session": ["This session is not in the cycle."]}
    assert changes_since(before) == {}


def test_save_curriculum_reuses_a_guest_and_switching_to_a_member_drops_the_guest(
    cycle, sessions, coordinator, expert
):
    guest = {"guest_name": "Elder Mary Moose", "guest_affiliation": "Moose Cree First Nation"}
    save_curriculum(
        cycle=cycle, rows=[_row(sessions[0], **guest), _row(sessions[1], **guest)], by=coordinator
    )
    assert GuestPresenter.objects.count() == 1

    save_curriculum(cycle=cycle, rows=[_row(sessions[0], presenter_id=expert.pk)], by=coordinator)

    first = Session.objects.get(pk=sessions[0].pk)
    assert (first.presenter_id, first.guest_presenter_id) == (expert.pk, None)


def test_save_curriculum_unchanged_writes_nothing(cycle, sessions, coordinator):
    save_curriculum(cycle=cycle, rows=[_row(sessions[0], didactic_topic="Opioid tapering")], by=coordinator)
    before = snapshot()

    changed = save_curriculum(
        cycle=cycle, rows=[_row(sessions[0], didactic_topic=" Opioid   tapering ")], by=coordinator
    )

    assert changed == []
    assert changes_since(before) == {}


def test_session_cannot_have_a_member_and_a_guest_presenter(program, expert):
    guest = GuestPresenter.objects.create(program=program, name="Dr. Ana Guest")

    with pytest.raises(IntegrityError):
        SessionFactory(program=program, presenter=expert, guest_presenter=guest)


def test_edit_session_choosing_a_member_replaces_the_guest(cycle, sessions, coordinator, expert):
    save_curriculum(cycle=cycle, rows=[_row(sessions[0], guest_name="Dr. Ana Guest")], by=coordinator)

    session = edit_session(session=sessions[0], changes={"presenter": expert}, by=coordinator)

    assert (session.presenter_id, session.guest_presenter_id) == (expert.pk, None)


# CSV


def _parse(cycle, text: str):
    sessions = {s.number: s for s in cycle.sessions.all()}
    presenters = {u.email: u.pk for u in possible_presenters(cycle.program)}
    return parse_curriculum(text, sessions=sessions, presenters=presenters, zone=cycle.program.zone)


HEADER = ",".join(COLUMNS)


def test_parse_curriculum_reports_every_error_with_its_row_and_column(cycle, sessions, expert, participant):
    day = sessions[0].starts_at.astimezone(cycle.program.zone).date()
    text = "\n".join(
        [
            HEADER,
            f"1,{day + timedelta(days=1):%Y-%m-%d},Tapering,,,,,",
            "2,,Sleep,participant@example.org,,,,",
            "2,,Sleep again,,,,,",
            "9,,Nowhere,,,,,",
            "3,,Naloxone,expert@example.org,Dr. Ana Guest,,,",
            "",
        ]
    )

    report = _parse(cycle, text)

    assert [(line, error.column, error.message) for line, error in report.errors] == [
        (
            2,
            "date",
            f"Session 1 is on {day:%Y-%m-%d}, not “{day + timedelta(days=1):%Y-%m-%d}”. "
            "Check the row is the right session.",
        ),
        (
            3,
            "presenter_email",
            "No hub expert or coordinator of this program has the email "
            "“participant@example.org”. For someone without an account, fill guest_name instead.",
        ),
        (4, "session", "Session 2 is also on line 3; each session once."),
        (5, "session", "“9” is not the number of a session of this cycle."),
        (6, "guest_name", "Choose a member as presenter or type a guest's name, not both."),
    ]
    assert report.rows == []


def test_parse_curriculum_missing_columns_refuses_the_file(cycle, sessions):
    with pytest.raises(ValidationError) as caught:
        _parse(cycle, "session,topic\n1,Tapering\n")

    assert (
        "Missing: presenter_email, guest_name, guest_profession, guest_affiliation, learning_objectives"
        in (caught.value.messages[0])
    )


def test_template_csv_reads_back_without_changes(cycle, sessions, coordinator, expert):
    save_curriculum(
        cycle=cycle,
        rows=[
            _row(sessions[0], didactic_topic="=Tapering", presenter_id=expert.pk, learning_objectives="A\nB"),
            _row(
                sessions[1], didactic_topic="Sleep", guest_name="Dr. Ana Guest", guest_profession="Pharmacist"
            ),
        ],
        by=coordinator,
    )
    text = template_csv(
        Session.objects.filter(cycle=cycle).select_related("presenter", "guest_presenter"), cycle.program.zone
    )
    assert text.splitlines()[0] == HEADER
    assert f"1,{sessions[0].starts_at.astimezone(cycle.program.zone).date():%Y-%m-%d},'=Tapering" in text

    report = _parse(cycle, text.replace("'=Tapering", "=Tapering"))

    assert report.errors == []
    assert save_curriculum(cycle=cycle, rows=report.rows, by=coordinator, source="csv") == []


def test_parse_curriculum_splits_objectives_on_semicolons_and_ignores_spreadsheet_dates(cycle, sessions):
    report = _parse(cycle, f"{HEADER}\n1,16/09/2026,Tapering,,,,,Plan a taper; Manage withdrawal\n")

    assert report.errors == []
    assert report.rows[0].learning_objectives == "Plan a taper\nManage withdrawal"


def test_parse_curriculum_numbers_spreadsheet_rows_not_file_lines(cycle, sessions):
    text = f'{HEADER}\n1,,Tapering,,,,,"Plan a taper\nManage withdrawal"\n\n9,,Nowhere,,,,,\n'

    report = _parse(cycle, text)

    assert [(line, error.column) for line, error in report.errors] == [(4, "session")]
    assert report.lines[0].line == 2
