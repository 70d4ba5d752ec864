"""The permission matrices of test_permissions.py send a GET to the views that take GET and
POST. Here each role refused such a view POSTs to it as well: it gets the same refusal and the
database does not change. The data posted is what a permitted member posts successfully (the
first tests check that), so a refusal is a real refusal, not a form error."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.library import recommendations_version
from cases.models import Case, RecommendationHeading
from cpd.models import Survey
from sessions.models import Role, Session
from tests.cases.conftest import CASE_FIELDS
from tests.factories import RecommendationFactory
from tests.snapshot import changes_since, snapshot

from . import test_permissions
from .test_permissions import (
    ANONYMOUS,
    CASE_MATRIX,
    CASE_METHODS,
    CASE_ROLES,
    COORDINATOR,
    DENIED_HEADINGS,
    EXPERT,
    LETTER_SENT,
    MATRIX,
    PARTICIPANT,
    PRESENTED,
    PRESENTER,
    RETURNED,
    ROLES,
    SCHEDULED,
    SUBMITTED,
    World,
    _case_location,
    _expected_location,
    _login,
    _url,
)

# The fixtures the matrices run in: one world for the module, a copy of it for each test.
built_world = test_permissions.built_world
world = test_permissions.world

ZOOM_REPORT = Path(__file__).parent / "zoom_samples" / "participants_with_summary.csv"
ROSTER = b"email,full_name,profession,organization\nrita.roster@example.org,Rita Roster,nurse,Hearst CHC\n"


def _in_days(days: int) -> str:
    return f"{timezone.localdate() + timedelta(days=days):%Y-%m-%d}"


def _csv(name: str, data: bytes) -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


CURRICULUM = (
    b"session,date,topic,presenter_email,guest_name,guest_profession,guest_affiliation,learning_objectives\n"
    b"1,,Naloxone for every patient,,Dr. Ana Guest,Pharmacist,Queen's University,Offer naloxone\n"
)


def _curriculum(w: World) -> dict:
    return {
        "row-TOTAL_FORMS": "1",
        "row-INITIAL_FORMS": "1",
        "row-MIN_NUM_FORMS": "0",
        "row-MAX_NUM_FORMS": "200",
        "row-0-session_id": str(w.session.pk),
        "row-0-didactic_topic": "Naloxone for every patient",
        "row-0-presenter": "",
        "row-0-guest_name": "Dr. Ana Guest",
        "row-0-guest_profession": "Pharmacist",
        "row-0-guest_affiliation": "Queen's University",
        "row-0-learning_objectives": "Offer naloxone",
    }


def _program(name: str) -> dict:
    return {
        "name": name,
        "summary": "Weekly case-based learning.",
        "time_zone": "America/Toronto",
        "default_weekday": "2",
        "default_start_time": "12:00",
        "default_duration_minutes": "120",
        "didactic_minutes": "30",
        "case_slots_per_session": "3",
        "attendance_threshold_percent": "75",
    }


def _medications(rows: list[tuple[str, str, str, str]]) -> dict:
    data = {
        "medications-TOTAL_FORMS": str(len(rows)),
        "medications-INITIAL_FORMS": "0",
        "medications-MIN_NUM_FORMS": "0",
        "medications-MAX_NUM_FORMS": "12",
    }
    for index, (drug, drug_other, dose, schedule) in enumerate(rows):
        data |= {
            f"medications-{index}-drug": drug,
            f"medications-{index}-drug_other": drug_other,
            f"medications-{index}-daily_dose": dose,
            f"medications-{index}-schedule": schedule,
        }
    return data


def _case() -> dict:
    fields = {name: value for name, value in CASE_FIELDS.items() if not isinstance(value, bool)}
    return (
        fields
        | {"attested_deidentified": "on", "save": "save"}
        | _medications([("oxycodone", "", "120", "60 mg CR q12h")])
    )


# Who may POST to each view that takes GET and POST, and what they post. Views where only an
# anonymous visitor is refused are posted to empty: the refusal comes before any form.
# fmt: off
POSTS: dict[str, tuple[str, Callable[[World], dict]]] = {
    "sessions:program_create": (COORDINATOR, lambda w: _program("Pelvic Pain")),
    "sessions:attendance_claim": (EXPERT, lambda w: {"minutes": "90", "note": "Joined by phone."}),
    "sessions:session_materials": (COORDINATOR, lambda w: {
        "form": "link", "link-kind": "reference", "link-title": "CDC 2022 guideline",
        "link-url": "https://www.cdc.gov/mmwr/volumes/71/rr/rr7103a1.htm",
    }),
    "sessions:manage_program_edit": (COORDINATOR, lambda w: _program("Chronic Pain, renamed")),
    "sessions:manage_cycle_create": (COORDINATOR, lambda w: {"name": "Spring 2027", "start_date": _in_days(40)}),
    "sessions:manage_cycle_edit": (COORDINATOR, lambda w: {
        "name": "Fall 2026, renamed", "start_date": _in_days(40), "end_date": _in_days(130),
    }),
    "sessions:manage_curriculum": (COORDINATOR, lambda w: _curriculum(w)),
    "sessions:manage_curriculum_import": (COORDINATOR, lambda w: _csv("curriculum.csv", CURRICULUM)),
    "sessions:manage_schedule_new": (COORDINATOR, lambda w: {
        "first_date": _in_days(21), "start_time": "12:00", "duration_minutes": "120", "count": "2",
    }),
    "sessions:manage_session_edit": (COORDINATOR, lambda w: {
        "title": "Session 1, edited", "didactic_topic": "Naloxone", "case_slots": "2",
    }),
    "sessions:manage_session_cancel": (COORDINATOR, lambda w: {"reason": "Statutory holiday"}),
    "sessions:manage_session_reschedule": (COORDINATOR, lambda w: {
        "new_date": _in_days(30), "new_start_time": "13:00", "duration_minutes": "90",
    }),
    "sessions:manage_attendance": (COORDINATOR, lambda w: {"present": [w.users[EXPERT].pk]}),
    "sessions:manage_attendance_import": (COORDINATOR, lambda w: _csv("report.csv", ZOOM_REPORT.read_bytes())),
    "sessions:manage_invite": (COORDINATOR, lambda w: {"emails": "new.member@example.org", "role": Role.PARTICIPANT}),
    "sessions:manage_invitation_revoke": (COORDINATOR, lambda w: {}),
    "sessions:manage_roster_import": (COORDINATOR, lambda w: _csv("roster.csv", ROSTER)),
    "cases:create": (PARTICIPANT, lambda w: _case()),
    "cases:form_editor": (COORDINATOR, lambda w: {"action": "template", "template": "hepatitis_c"}),
    "cpd:revoke": (COORDINATOR, lambda w: {"reason": "Attendance was misrecorded"}),
    "cpd:evaluate": (PARTICIPANT, lambda w: {
        "relevance": "5", "quality": "4", "objectives_met": "yes",
        "commitment_to_change": "Offer naloxone to every patient above 50 MME.",
    }),
    "cpd:survey_build": (COORDINATOR, lambda w: {"kind": "text", "text": "What will you change?"}),
    "cpd:cycle_close": (COORDINATOR, lambda w: {"reason": "Program paused after session 12."}),
    "cpd:accreditation": (COORDINATOR, lambda w: {"hub_name": "ECHO Ontario", "signatory_name": "Dr. Helen Markham"}),
    "cpd:credit_type_create": (COORDINATOR, lambda w: {
        "name": "Royal College MOC Section 1", "professions": ["specialist_physician"],
        "credits_per_hour": "1.00", "rounding_step": "0.25", "max_per_session": "2", "statement": "",
    }),
    "cpd:credit_type_edit": (COORDINATOR, lambda w: {
        "name": "Mainpro+ Certified", "professions": ["family_physician"],
        "credits_per_hour": "1.00", "rounding_step": "0.25", "max_per_session": "1.5", "statement": "",
    }),
    "cpd:survey_answer": (PARTICIPANT, lambda w: {f"q_{w.survey.questions.get().pk}": "4"}),
    "zoom:connection": (COORDINATOR, lambda w: {
        "account_id": "acct-1", "client_id": "client-1", "client_secret": "secret", "webhook_token": "token",
    }),
}
# The questions of a survey are fixed once it has been sent, as the world's survey has been.
ARRANGE: dict[str, Callable[[World], None]] = {
    "sessions:manage_curriculum": lambda w: Session.objects.filter(pk=w.session.pk).update(
        cycle=w.survey.cycle, number=1
    ),
    "sessions:manage_curriculum_import": lambda w: Session.objects.filter(pk=w.session.pk).update(
        cycle=w.survey.cycle, number=1
    ),
    "cpd:survey_build": lambda w: Survey.objects.filter(pk=w.survey.pk).update(pre_opens_at=None),
}
# The uploads show what they found and keep it in the signed-in session until confirmed.
WRITES_NOTHING = {
    "sessions:manage_attendance_import",
    "sessions:manage_roster_import",
    "sessions:manage_curriculum_import",
}

# The case views that take GET and POST: in which state and by whom a POST succeeds, and what is posted.
CASE_POSTS: dict[str, tuple[str, str, Callable[[Case], dict]]] = {
    "cases:edit": (RETURNED, PRESENTER, lambda case: _case()),
    "cases:withdraw": (SCHEDULED, PRESENTER, lambda case: {}),
    "cases:follow_up": (LETTER_SENT, PRESENTER, lambda case: {
        "what_changed": "Switched to buprenorphine six weeks later.", "pain_change": "pain 8/10 to 6/10",
    } | _medications([])),
    "cases:recommendations": (PRESENTED, EXPERT, lambda case: {
        RecommendationHeading.OPIOID: "Taper by 10% of the dose every four weeks.",
    }),
    "cases:return": (SUBMITTED, COORDINATOR, lambda case: {"comment": "Please add the current lorazepam dose."}),
    "cases:finalize": (PRESENTED, COORDINATOR, lambda case: {
        RecommendationHeading.OPIOID: "Taper by 10% of the dose every four weeks.",
        "confirm": "on", "action": "send",
    }),
    "cases:tags": (PRESENTED, COORDINATOR, lambda case: {"new_tags": "tapering, buprenorphine switch"}),
    "cases:library_screen": (PRESENTED, COORDINATOR, lambda case: {
        "decision": "keep_out", "version": recommendations_version(case),
    }),
}
# The letter goes once the case's session has started and an expert has written.
CASE_ARRANGE: dict[str, Callable[[Case], None]] = {
    "cases:finalize": lambda case: (
        Session.objects.filter(case_slots_taken__case=case).update(
            starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(days=1, hours=-2)
        ),
        RecommendationFactory(case=case),
    ),
}
# fmt: on


def _arranged(name: str, w: World) -> dict:
    """The data to post to `name`, once the world is ready for it."""
    ARRANGE.get(name, lambda w: None)(w)
    return POSTS[name][1](w) if name in POSTS else {}


def _denied(roles: tuple, codes) -> list[tuple[str, int]]:
    """The roles refused a view, with their status: 403, 404, or anonymous sent to log in."""
    return [
        (role, code)
        for role, code in zip(roles, codes, strict=True)
        if code in DENIED_HEADINGS or (role == ANONYMOUS and code == 302)
    ]


def test_every_view_refusing_a_member_has_the_data_of_a_successful_post():
    refusing_members = {
        name
        for name, (methods, *codes) in MATRIX.items()
        if methods == "GET/POST" and any(code != 302 for _, code in _denied(ROLES, codes))
    }

    assert refusing_members == set(POSTS)
    assert {name for name, methods in CASE_METHODS.items() if methods == "GET/POST"} == set(CASE_POSTS)


@pytest.mark.parametrize("name", list(POSTS))
def test_post_data_is_accepted_from_the_member_it_belongs_to(client, world, name):
    client.force_login(world.users[POSTS[name][0]])
    data = _arranged(name, world)
    before = snapshot()

    response = client.post(_url(name, world), data)

    assert response.status_code == (200 if name in WRITES_NOTHING else 302), response.content.decode()
    assert (changes_since(before) == {}) is (name in WRITES_NOTHING)


@pytest.mark.parametrize("name", list(CASE_POSTS))
def test_case_post_data_is_accepted_from_the_member_it_belongs_to(client, world, name):
    state, role, data = CASE_POSTS[name]
    case = world.cases[state]
    CASE_ARRANGE.get(name, lambda case: None)(case)
    client.force_login(world.users[role])
    before = snapshot()

    response = client.post(reverse(name, kwargs={"pk": case.pk}), data(case))

    assert response.status_code == 302
    assert changes_since(before) != {}


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, code, id=f"{name}-{role}")
        for name, (methods, *codes) in MATRIX.items()
        if methods == "GET/POST"
        for role, code in _denied(ROLES, codes)
    ],
)
def test_view_refuses_the_post_of_a_refused_role_and_writes_nothing(client, world, name, role, expected):
    _login(client, world.users[role])
    url = _url(name, world)
    data = _arranged(name, world)
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == _expected_location(name, role, world, url)
    else:
        assert DENIED_HEADINGS[expected] in response.content.decode()
    assert changes_since(before) == {}


@pytest.mark.parametrize(
    ("name", "state", "role", "expected"),
    [
        pytest.param(name, state, role, code, id=f"{name}-{state}-{role}")
        for (name, state), codes in CASE_MATRIX.items()
        if CASE_METHODS[name] == "GET/POST"
        for role, code in _denied(CASE_ROLES, codes)
    ],
)
def test_case_view_refuses_the_post_of_a_refused_role_and_writes_nothing(
    client, world, name, state, role, expected
):
    case = world.cases[state]
    CASE_ARRANGE.get(name, lambda case: None)(case)
    _login(client, world.users[role])
    url = reverse(name, kwargs={"pk": case.pk})
    before = snapshot()

    response = client.post(url, CASE_POSTS[name][2](case))

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == _case_location(name, state, role, case, url)
    else:
        assert DENIED_HEADINGS[expected] in response.content.decode()
    assert changes_since(before) == {}
