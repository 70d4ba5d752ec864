"""Hypothesis fills every form and every import of the product with random Unicode, huge
strings, NUL bytes, wrong types, extra values and missing fields, as the role that uses it:
never a server error, and a refused submission writes nothing.

Each form is read from its rendered page (what a browser would send), then each field is
kept, dropped or replaced. Each example runs in a savepoint that is rolled back, so every
example starts from the same rows; a submission that is answered with anything but a
redirect (the form again with errors, 400, 403, 404, 413) must leave every row as it
was. On PostgreSQL a NUL byte that reaches a query is an error, so CI (PostgreSQL) is where
this test bites hardest."""

import io
import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings as dj_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from cpd.services import start_survey_from_template
from sessions.models import Enrollment
from tests.factories import (
    AttendanceClaimFactory,
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    CertificateFactory,
    CycleFactory,
    EnrollmentFactory,
    PastSessionFactory,
    UserFactory,
)
from tests.snapshot import changes_since, snapshot

from .forms import Form, the_form

# CI runs 20 per form; FAULTS_FUZZ_EXAMPLES=500 hunts longer.
EXAMPLES = int(os.environ.get("FAULTS_FUZZ_EXAMPLES", "20"))

HUGE = ["x" * 100_000, "é" * 30_000 + "\n" * 1000, "9" * 5000]
ODD = [
    "",
    " ",
    "\x00",
    "null",
    "[]",
    "{}",
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999",
    "2026-02-30",
    "25:61",
    "0000-00-00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e\u200b\ufeff",
    "../../etc/passwd",
]
text = st.text(max_size=40)
nasty = st.one_of(
    text,
    st.tuples(text, text).map(lambda t: f"{t[0]}\x00{t[1]}"),
    st.sampled_from(HUGE),
    st.sampled_from(ODD),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
)


def csv_rows(header: list[str]) -> st.SearchStrategy[bytes]:
    rows = st.lists(
        st.lists(nasty.filter(lambda s: len(s) < 1000), min_size=0, max_size=len(header) + 2), max_size=5
    )
    encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"])

    def build(args) -> bytes:
        rows, encoding = args
        lines = [",".join(header)] + [",".join(f'"{v}"' if "," in v else v for v in row) for row in rows]
        return "\n".join(lines).encode(encoding, errors="replace")

    return st.one_of(st.tuples(rows, encodings).map(build), st.binary(max_size=3000), st.just(b""))


@dataclass
class Target:
    name: str
    role: str
    page: str  # a url name (resolved with the world's objects)
    method: str = "post"
    action: str = ""  # where the form posts, when not to the page itself
    having: str = ""  # a field that singles the form out on a page with several
    csv_header: tuple = ()


SESSION_ARGS = "slug,session"
TARGETS = [
    Target("program", "coordinator", "sessions:program_create"),
    Target("program settings", "coordinator", "sessions:manage_program_edit"),
    Target("cycle", "coordinator", "sessions:manage_cycle_create"),
    Target("schedule", "coordinator", "sessions:manage_schedule_new"),
    Target("session", "coordinator", "sessions:manage_session_edit"),
    Target("cancel session", "coordinator", "sessions:manage_session_cancel"),
    Target("reschedule", "coordinator", "sessions:manage_session_reschedule"),
    Target("invite", "coordinator", "sessions:manage_invite"),
    Target(
        "roster import",
        "coordinator",
        "sessions:manage_roster_import",
        csv_header=("email", "full_name", "profession", "organization", "role"),
    ),
    Target(
        "zoom import",
        "coordinator",
        "sessions:manage_attendance_import",
        csv_header=("Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)"),
    ),
    Target(
        "adjust attendance",
        "coordinator",
        "sessions:manage_attendance",
        action="sessions:manage_attendance_adjust",
        having="minutes",
    ),
    Target(
        "decline enrollment",
        "coordinator",
        "sessions:manage_enrollment",
        action="sessions:manage_enrollment_decline",
    ),
    Target(
        "decide attendance claim",
        "coordinator",
        "sessions:manage_attendance",
        action="sessions:manage_attendance_claim_decide",
    ),
    Target("claim attendance", "participant", "sessions:attendance_claim"),
    Target("slides upload", "coordinator", "sessions:session_materials", having="slides-file"),
    Target("link", "coordinator", "sessions:session_materials", having="link-url"),
    Target("learning search", "participant", "sessions:learning_library", method="get"),
    Target("case", "presenter", "cases:create"),
    Target("case edit", "presenter", "cases:edit"),
    Target("follow-up", "presenter", "cases:follow_up"),
    Target("recommendations", "expert", "cases:recommendations"),
    Target("return case", "coordinator", "cases:return"),
    Target("assign case", "coordinator", "cases:detail", action="cases:assign"),
    Target("case tags", "coordinator", "cases:tags"),
    Target("library sharing", "presenter", "cases:detail", action="cases:library_sharing"),
    Target("library screening", "coordinator", "cases:library_screen"),
    Target("case queue filter", "coordinator", "cases:queue", method="get"),
    Target("library search", "participant", "cases:library", method="get"),
    Target("evaluation", "participant", "cpd:evaluate"),
    Target("revoke certificate", "coordinator", "cpd:revoke"),
    Target("attendance export", "coordinator", "cpd:export_attendance", method="get"),
    Target("survey question", "coordinator", "cpd:survey_build"),
    Target("survey answers", "participant", "cpd:survey_answer"),
    Target("verify lookup", "anonymous", "cpd:verify_lookup", method="get"),
    Target("profile", "participant", "accounts:profile"),
    Target("notification preferences", "participant", "notifications:preferences"),
    Target("login", "anonymous", "account_login"),
    Target("signup", "anonymous", "account_signup"),
]


@pytest.fixture
def world(db, program, coordinator, expert, participant, presenter, session):
    """One of each object a form works on, in a program where each role has a member."""
    cycle = CycleFactory(program=program, name="Fall 2026")
    next_cycle = CycleFactory(program=program, name="Winter 2027")  # its survey is still being built
    past = PastSessionFactory(program=program, cycle=cycle, title="Past session")
    unattended = PastSessionFactory(program=program, title="Unattended session")
    AttendanceFactory(session=past, user=participant, minutes=120)
    pending = EnrollmentFactory(program=program, user=UserFactory(), status=Enrollment.Status.PENDING)
    claim = AttendanceClaimFactory(session=past, user=EnrollmentFactory(program=program).user)
    draft = CaseFactory(program=program, presenter=presenter)
    submitted = CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED)
    presented = CaseSlotFactory(
        session=past,
        case__program=program,
        case__presenter=presenter,
        case__status=Case.Status.PRESENTED,
        case__library_shared=True,
    ).case
    letter_sent = CaseFactory(program=program, presenter=presenter, status=Case.Status.LETTER_SENT)
    certificate = CertificateFactory(user=participant, session=past)
    survey = start_survey_from_template(cycle=cycle, by=coordinator)
    type(survey).objects.filter(pk=survey.pk).update(pre_opens_at=timezone.now() - timedelta(days=1))
    users = {
        "coordinator": coordinator,
        "expert": expert,
        "participant": participant,
        "presenter": presenter,
        "anonymous": None,
    }
    slug = program.slug
    args = {
        "sessions:manage_session_edit": [slug, session.pk],
        "sessions:manage_session_cancel": [slug, session.pk],
        "sessions:manage_session_reschedule": [slug, session.pk],
        "sessions:manage_attendance": [slug, past.pk],
        "sessions:manage_attendance_adjust": [slug, past.pk],
        "sessions:manage_attendance_import": [slug, past.pk],
        "sessions:manage_enrollment_decline": [slug, pending.pk],
        "sessions:manage_attendance_claim_decide": [slug, claim.pk],
        "sessions:attendance_claim": [slug, unattended.pk],
        "sessions:session_materials": [slug, past.pk],
        "cases:edit": [draft.pk],
        "cases:follow_up": [letter_sent.pk],
        "cases:recommendations": [presented.pk],
        "cases:detail": [submitted.pk],
        "cases:return": [submitted.pk],
        "cases:assign": [submitted.pk],
        "cases:tags": [submitted.pk],
        "cases:library_sharing": [submitted.pk],
        "cases:library_screen": [presented.pk],
        "cpd:evaluate": [slug, past.pk],
        "cpd:revoke": [certificate.pk],
        "cpd:survey_build": [slug, next_cycle.pk],
        "cpd:survey_answer": [slug, survey.pk, "pre"],
    }
    no_args = {
        "sessions:program_create",
        "cpd:verify_lookup",
        "accounts:profile",
        "notifications:preferences",
    }

    def url(name: str) -> str:
        if name in args:
            return reverse(name, args=args[name])
        if name in no_args or name.startswith("account_"):
            return reverse(name)
        return reverse(name, args=[slug])

    return users, url


def _fuzzed(form: Form, data: st.DataObject, csv_header: tuple) -> tuple[dict, dict]:
    """Each field kept as the browser would send it, dropped, replaced or repeated; files
    replaced by random CSV, bytes or nothing; sometimes a field nobody asked for."""
    values = {}
    for name, valid in form.values.items():
        if name == "csrfmiddlewaretoken":
            continue
        choice = data.draw(st.sampled_from(["keep", "keep", "drop", "nasty", "many"]), label=name)
        if choice == "keep":
            values[name] = valid
        elif choice == "nasty":
            values[name] = data.draw(nasty, label=name)
        elif choice == "many":
            values[name] = data.draw(st.lists(nasty, min_size=2, max_size=3), label=name)
    if data.draw(st.booleans(), label="extra field"):
        values[data.draw(text, label="extra name") or "extra"] = data.draw(nasty, label="extra value")
    files = {}
    for name in form.files:
        if data.draw(st.booleans(), label=f"{name} sent"):
            content = data.draw(csv_rows(list(csv_header) or ["title"]), label=name)
            filename = data.draw(
                st.sampled_from(["roster.csv", "report.csv", "slides.pdf", "x", "é\u202e.csv"])
            )
            upload = io.BytesIO(content)
            upload.name = filename
            files[name] = upload
    return values, files


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_random_input_to_every_form_is_never_a_server_error_nor_half_written(client, world, target):
    users, url = world
    if users[target.role] is not None:
        client.force_login(users[target.role])
    page_url = url(target.page)
    page = client.get(page_url)
    assert page.status_code == 200, (target.name, page.status_code)
    path = url(target.action) if target.action else page_url
    form = the_form(page.content.decode(), path=path, method=target.method, having=target.having)
    submit_to = path if target.method == "get" or target.action else page_url

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def submit(data):
        values, files = _fuzzed(form, data, target.csv_header)
        with transaction.atomic():
            before = snapshot()
            if target.method == "get":
                response = client.get(submit_to, values)
            else:
                response = client.post(submit_to, {**values, **files})
            changed = changes_since(before)
            transaction.set_rollback(True)
        assert response.status_code < 500, (response.status_code, values)
        if response.status_code not in (301, 302, 303):
            assert changed == {}, (response.status_code, values)

    submit()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda limit: {"reason": "x" * (limit + 1)}, id="a field over the size limit"),
        pytest.param(lambda limit: {f"field{n}": "x" for n in range(1001)}, id="over a thousand fields"),
    ],
)
def test_a_request_body_over_the_limit_is_refused_and_writes_nothing(client, world, body):
    users, url = world
    client.force_login(users["coordinator"])
    before = snapshot()

    response = client.post(
        url("sessions:manage_session_cancel"), body(dj_settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    )

    # 413 for a body over the size limit where the web layer says so (handler400), else 400.
    assert response.status_code in (400, 413)
    assert changes_since(before) == {}
