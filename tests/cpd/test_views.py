from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.deid import KIND_LABELS, find_identifiers
from cpd import services
from cpd.models import Certificate, Evaluation
from echo_hub.accounts.models import Profession
from echo_hub.lib.timefmt import date_time
from sessions.models import Enrollment, Role, Session
from tests.factories import (
    CERTIFICATE_PDF,
    AttendanceFactory,
    CertificateFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
)
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

ANSWERS = {
    "relevance": "5",
    "quality": "4",
    "objectives_met": "yes",
    "commitment_to_change": "Offer naloxone to every patient above 50 MME.",
    "comments": "The tapering case was the most useful part.",
}
IDENTIFYING = "Thanks. Mrs. Jane Doe, OHIP 1234-567-890, is doing better."


def _messages(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


def _login_url(url: str) -> str:
    return f"{reverse('account_login')}?next={url}"


def _member(program, role: str = Role.PARTICIPANT, **fields):
    return EnrollmentFactory(program=program, role=role, user=UserFactory(**fields)).user


def _session_url(name: str, session: Session) -> str:
    return reverse(name, kwargs={"slug": session.program.slug, "pk": session.pk})


def _earned(session: Session, user, minutes: int = 120) -> None:
    AttendanceFactory(session=session, user=user, minutes=minutes)
    EvaluationFactory(session=session, user=user)


@pytest.fixture
def ana(program):
    return _member(
        program,
        email="ana.lopez@example.org",
        full_name="Ana Lopez",
        credentials="MD, CCFP",
        organization="Hearst Community Health Centre",
        profession=Profession.NURSE_PRACTITIONER,
    )


# evaluation


def test_evaluate_get_shows_the_form(client, past_session, participant):
    client.force_login(participant)

    response = client.get(_session_url("cpd:evaluate", past_session))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Evaluate Past session</h1>" in body
    assert 'name="relevance" value="5"' in body
    assert 'name="commitment_to_change"' in body


def test_evaluate_post_stores_the_answers(client, past_session, participant):
    client.force_login(participant)

    response = client.post(_session_url("cpd:evaluate", past_session), ANSWERS)

    evaluation = Evaluation.objects.get()
    assert (response.status_code, response.url) == (302, reverse("cpd:transcript"))
    assert _messages(response) == ["Thank you for your evaluation."]
    assert (
        evaluation.user,
        evaluation.relevance,
        evaluation.quality,
        evaluation.objectives_met,
        evaluation.commitment_to_change,
        evaluation.comments,
    ) == (participant, 5, 4, "yes", ANSWERS["commitment_to_change"], ANSWERS["comments"])


@pytest.mark.parametrize("field", ["comments", "commitment_to_change"])
def test_evaluate_with_an_identifier_highlights_it_and_stores_nothing(
    client, past_session, participant, field
):
    client.force_login(participant)

    response = client.post(_session_url("cpd:evaluate", past_session), ANSWERS | {field: IDENTIFYING})

    body = response.content.decode()
    findings = find_identifiers(IDENTIFYING)
    assert response.status_code == 200
    assert [f.kind for f in findings] == ["name", "health_card"]
    for finding in findings:
        assert f'<mark title="{escape(KIND_LABELS[finding.kind])}">{escape(finding.text)}</mark>' in body
    assert "Nothing was saved: remove or generalise the highlighted text." in body
    assert f'id="id_{field}">\n{escape(IDENTIFYING)}</textarea>' in body
    assert 'id="id_relevance_4" required checked>' in body
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"), [("relevance", "6"), ("quality", "0"), ("objectives_met", "maybe")]
)
def test_evaluate_with_an_answer_out_of_range_stores_nothing(client, past_session, participant, field, value):
    client.force_login(participant)

    response = client.post(_session_url("cpd:evaluate", past_session), ANSWERS | {field: value})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        field: [f"Select a valid choice. {value} is not one of the available choices."]
    }
    assert Evaluation.objects.count() == 0


def test_evaluate_a_second_time_keeps_the_first(client, past_session, participant):
    client.force_login(participant)
    client.post(_session_url("cpd:evaluate", past_session), ANSWERS)

    response = client.post(_session_url("cpd:evaluate", past_session), ANSWERS | {"relevance": "1"})

    assert (response.status_code, response.url) == (302, reverse("cpd:transcript"))
    assert _messages(response) == [
        "Thank you for your evaluation.",
        "You have already evaluated this session. Thank you!",
    ]
    assert list(Evaluation.objects.values_list("relevance", flat=True)) == [5]


def test_evaluate_before_the_start_shows_the_reason(client, session, participant):
    client.force_login(participant)

    response = client.post(_session_url("cpd:evaluate", session), ANSWERS)

    assert response.status_code == 200
    assert (
        f"You can evaluate a session once it has started; this one starts {date_time(session.starts_at)}."
        in response.content.decode()
    )
    assert 'name="relevance"' not in response.content.decode()
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize("member", ["outsider", "pending_user", "other_coordinator"])
def test_evaluate_by_a_non_member_is_404(client, request, past_session, member):
    client.force_login(request.getfixturevalue(member))
    before = snapshot()

    response = client.post(_session_url("cpd:evaluate", past_session), ANSWERS)

    assert response.status_code == 404
    assert changes_since(before) == {}


def test_evaluate_anonymous_goes_to_login(client, past_session):
    url = _session_url("cpd:evaluate", past_session)

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _login_url(url))


def test_evaluate_put_is_405(client, past_session, participant):
    client.force_login(participant)

    response = client.put(_session_url("cpd:evaluate", past_session))

    assert (response.status_code, response["Allow"]) == (405, "GET, POST")


# transcript


def _held(program, title: str, starts_at: datetime, **fields) -> Session:
    return SessionFactory(program=program, title=title, starts_at=starts_at, **fields)


def test_transcript_shows_every_past_session_by_program_and_year(client, program, other_program, participant):
    CreditTypeFactory(program=program)
    EnrollmentFactory(program=other_program, user=participant)
    tapering = _held(program, "Tapering basics", datetime(2024, 10, 2, 16, tzinfo=UTC))
    _earned(tapering, participant)
    certificate = CertificateFactory(user=participant, session=tapering)
    starts = _held(program, "Buprenorphine starts", datetime(2025, 3, 5, 17, tzinfo=UTC))
    _earned(starts, participant, minutes=97)
    naloxone = _held(program, "Naloxone for all", datetime(2025, 4, 2, 16, tzinfo=UTC))
    AttendanceFactory(session=naloxone, user=participant, minutes=60)
    _held(other_program, "Stimulant use", datetime(2025, 5, 7, 16, tzinfo=UTC))
    _held(program, "Cancelled", datetime(2025, 6, 4, 16, tzinfo=UTC), status=Session.Status.CANCELLED)
    _held(program, "Not yet", timezone.now() + timedelta(days=3))
    _held(ProgramFactory(), "Someone else's", datetime(2025, 3, 5, 17, tzinfo=UTC))
    pending = ProgramFactory()
    EnrollmentFactory(program=pending, user=participant, status=Enrollment.Status.PENDING)
    _held(pending, "Not a member yet", datetime(2025, 3, 5, 17, tzinfo=UTC))
    client.force_login(participant)

    response = client.get(reverse("cpd:transcript"))
    earlier = client.get(reverse("cpd:transcript"), {"year": "2024"})

    body = response.content.decode()

    def groups(response):
        return [
            (
                g.program.name,
                g.year,
                g.total,
                [(r.session.title, r.minutes, r.evaluated, r.result.credits) for r in g.rows],
            )
            for g in response.context["groups"]
        ]

    # The latest year first; the others one click away.
    assert groups(response) == [
        ("Addiction Medicine", 2025, Decimal("0"), [("Stimulant use", 0, False, Decimal("0.00"))]),
        (
            "Chronic Pain & Opioid Stewardship",
            2025,
            Decimal("1.50"),
            [
                ("Naloxone for all", 60, False, Decimal("0.00")),
                ("Buprenorphine starts", 97, True, Decimal("1.50")),
            ],
        ),
    ]
    assert groups(earlier) == [
        (
            "Chronic Pain & Opioid Stewardship",
            2024,
            Decimal("2.00"),
            [("Tapering basics", 120, True, Decimal("2.00"))],
        ),
    ]
    assert '<a class="nav-link active" aria-current="page" href="?year=2025">2025</a>' in body
    assert '<a class="nav-link" href="?year=2024">2024</a>' in body
    assert (
        'Chronic Pain &amp; Opioid Stewardship · 2025 <span class="badge text-bg-light border">1.5 Mainpro+ Certified credits</span>'
        in body
    )
    assert '<td class="num fw-semibold">1.5 Mainpro+ Certified credits</td>' in body
    assert '<td class="num fw-semibold">2 Mainpro+ Certified credits</td>' in earlier.content.decode()
    assert "Attendance: 60 of the 90 minutes needed; Evaluation not filled" in body
    assert "Attendance: 0 of the 90 minutes needed; Evaluation not filled" in body
    # Its evaluation closed 14 days after the session: it is no longer offered.
    assert reverse("cpd:evaluate", args=[program.slug, naloxone.pk]) not in body
    assert '<td data-label="Evaluation">Closed</td>' in body
    assert reverse("cpd:claim", args=[program.slug, starts.pk]) in body
    assert reverse("cpd:certificate_download", args=[certificate.pk]) in earlier.content.decode()
    for hidden in ("Cancelled", "Not yet", "Someone else&#x27;s", "Not a member yet"):
        assert hidden not in body


def test_transcript_without_sessions_says_so(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("cpd:transcript"))

    assert response.context["groups"] == []
    assert '<p class="h5">No credits yet</p>' in response.content.decode()


def test_transcript_lists_cycle_summaries(client, program, participant):
    cycle = CycleFactory(program=program, name="Fall 2025")
    certificate = CertificateFactory(
        user=participant,
        kind="cycle",
        session=None,
        cycle=cycle,
        credits=Decimal("6.50"),
        credit_name="Mainpro+ Certified",
    )
    client.force_login(participant)

    response = client.get(reverse("cpd:transcript"))

    body = response.content.decode()
    assert "Chronic Pain &amp; Opioid Stewardship · Fall 2025 · 6.5 Mainpro+ Certified credits" in body
    assert reverse("cpd:certificate_download", args=[certificate.pk]) in body


def test_transcript_anonymous_goes_to_login(client):
    url = reverse("cpd:transcript")

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _login_url(url))


def test_transcript_post_is_405(client, participant):
    client.force_login(participant)

    response = client.post(reverse("cpd:transcript"))

    assert (response.status_code, response["Allow"]) == (405, "GET")


# claiming a session certificate


def test_claim_issues_the_certificate_once(client, past_session, participant):
    _earned(past_session, participant)
    client.force_login(participant)
    url = _session_url("cpd:claim", past_session)

    response = client.post(url)
    client.post(url)

    certificate = Certificate.objects.get()
    assert (response.status_code, response.url) == (302, reverse("cpd:transcript"))
    assert _messages(response) == ["Your certificate is being prepared; it will be ready in a moment."]
    assert (certificate.user, certificate.session, certificate.credits) == (
        participant,
        past_session,
        Decimal("2.00"),
    )


def test_claim_without_credits_says_what_is_missing(client, past_session, participant):
    AttendanceFactory(session=past_session, user=participant, minutes=120)
    client.force_login(participant)

    response = client.post(_session_url("cpd:claim", past_session))

    assert _messages(response) == ["No credits yet for this session: Evaluation not filled."]
    assert Certificate.objects.count() == 0


def test_claim_by_a_non_member_is_404(client, past_session, outsider):
    client.force_login(outsider)
    before = snapshot()

    response = client.post(_session_url("cpd:claim", past_session))

    assert response.status_code == 404
    assert changes_since(before) == {}


def test_claim_get_is_405(client, past_session, participant):
    client.force_login(participant)

    response = client.get(_session_url("cpd:claim", past_session))

    assert (response.status_code, response["Allow"]) == (405, "POST")


# download


def test_certificate_download_by_the_owner_and_coordinator_is_a_private_attachment(
    client, past_session, participant, coordinator
):
    certificate = CertificateFactory(user=participant, session=past_session)
    for user in (participant, coordinator):
        client.force_login(user)

        response = client.get(reverse("cpd:certificate_download", args=[certificate.pk]))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="echo-certificate-{certificate.code[:10]}.pdf"'
        )
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == CERTIFICATE_PDF


def test_certificate_download_by_anyone_else_is_404(
    client, past_session, participant, expert, other_coordinator, outsider, program
):
    certificate = CertificateFactory(user=participant, session=past_session)
    colleague = _member(program, email="colleague@example.org")
    for user in (colleague, expert, other_coordinator, outsider):
        client.force_login(user)

        response = client.get(reverse("cpd:certificate_download", args=[certificate.pk]))

        assert response.status_code == 404


def test_certificate_download_of_a_cycle_summary_by_its_coordinator(
    client, program, participant, coordinator
):
    certificate = CertificateFactory(
        user=participant, kind="cycle", session=None, cycle=CycleFactory(program=program)
    )
    client.force_login(coordinator)

    response = client.get(reverse("cpd:certificate_download", args=[certificate.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CERTIFICATE_PDF


def test_certificate_download_before_it_is_rendered_is_404(client, past_session, participant):
    certificate = CertificateFactory(user=participant, session=past_session, render_status="pending", file="")
    client.force_login(participant)

    response = client.get(reverse("cpd:certificate_download", args=[certificate.pk]))

    assert response.status_code == 404


def test_certificate_download_of_an_unknown_certificate_is_404(client, participant):
    client.force_login(participant)

    response = client.get(reverse("cpd:certificate_download", args=[999999]))

    assert response.status_code == 404


def test_certificate_download_anonymous_goes_to_login(client, past_session, participant):
    certificate = CertificateFactory(user=participant, session=past_session)
    url = reverse("cpd:certificate_download", args=[certificate.pk])

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _login_url(url))


def test_certificate_download_post_is_405(client, past_session, participant):
    certificate = CertificateFactory(user=participant, session=past_session)
    client.force_login(participant)

    response = client.post(reverse("cpd:certificate_download", args=[certificate.pk]))

    assert (response.status_code, response["Allow"]) == (405, "GET")


# public verification


def _verify(client, certificate: Certificate):
    return client.get(reverse("cpd:verify", args=[certificate.code]))


def test_verify_shows_only_name_program_dates_credits_issue_date_and_status(client, program, ana):
    session = PastSessionFactory(program=program, starts_at=datetime(2025, 3, 5, 17, tzinfo=UTC))
    _earned(session, ana, minutes=97)
    certificate = CertificateFactory(
        user=ana, session=session, credits=Decimal("1.50"), credit_name="Mainpro+ Certified"
    )
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=datetime(2025, 3, 6, 15, tzinfo=UTC))

    response = _verify(client, certificate)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Valid certificate.</strong>" in body
    assert '<dt class="col-sm-4">Name</dt><dd class="col-sm-8">Ana Lopez</dd>' in body
    assert '<dd class="col-sm-8">Chronic Pain &amp; Opioid Stewardship</dd>' in body
    assert '<dt class="col-sm-4">Dates</dt><dd class="col-sm-8">5 March 2025</dd>' in body
    assert '<dd class="col-sm-8">1.5 Mainpro+ Certified credits</dd>' in body
    assert '<dt class="col-sm-4">Issued</dt><dd class="col-sm-8">6 March 2025</dd>' in body
    for private in (
        "ana.lopez@example.org",
        "Nurse practitioner",
        "nurse_practitioner",
        "Hearst Community Health Centre",
        "MD, CCFP",
        "97 min",
        ">97<",
        "minutes",
        "evaluation",
        "Evaluation",
    ):
        assert private not in body, private


def test_verify_of_a_cycle_summary_shows_the_cycle_dates(client, program, participant):
    cycle = CycleFactory(
        program=program, start_date=datetime(2025, 9, 10).date(), end_date=datetime(2025, 12, 10).date()
    )
    certificate = CertificateFactory(user=participant, kind="cycle", session=None, cycle=cycle)

    response = _verify(client, certificate)

    assert '<dd class="col-sm-8">10 September 2025 – 10 December 2025</dd>' in response.content.decode()


def test_verify_of_a_revoked_certificate_says_revoked(client, past_session, participant, coordinator):
    certificate = CertificateFactory(user=participant, session=past_session)
    services.revoke_certificate(certificate=certificate, by=coordinator, reason="Attendance misrecorded")

    response = _verify(client, certificate)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>This certificate has been revoked</strong> and is no longer valid." in body
    assert '<span class="badge badge-status status-revoked">Revoked</span>' in body
    assert "Valid certificate." not in body
    assert "Attendance misrecorded" not in body


@pytest.mark.parametrize("code", ["x" * 32, "not a code!"])
def test_verify_of_an_unknown_code_has_its_own_page_with_the_form(client, past_session, participant, code):
    CertificateFactory(user=participant, session=past_session)

    response = client.get(reverse("cpd:verify", args=[code]))

    body = response.content.decode()
    assert response.status_code == 404
    assert response.templates[0].name == "cpd/verify_unknown.html"
    assert "<h1>No certificate matches this code</h1>" in body
    assert f'action="{reverse("cpd:verify_lookup")}"' in body
    assert 'name="code"' in body
    assert "We couldn't find that page" not in body
    assert participant.full_name not in body


def test_verify_of_a_person_without_a_full_name_does_not_show_the_email(client, past_session, participant):
    participant.full_name = ""
    participant.save()
    certificate = CertificateFactory(user=participant, session=past_session)

    response = _verify(client, certificate)

    assert response.status_code == 200
    assert "participant@example.org" not in response.content.decode()


def test_verify_lookup_sends_the_code_to_its_page(client):
    response = client.get(reverse("cpd:verify_lookup"), {"code": "  abc123  "})

    assert (response.status_code, response.url) == (302, reverse("cpd:verify", args=["abc123"]))


@pytest.mark.parametrize("code", ["a/b", "/", "abc\x00", "é" * 3, "x" * 65])
def test_verify_lookup_of_something_that_is_no_code_says_so(client, code):
    response = client.get(reverse("cpd:verify_lookup"), {"code": code})

    assert response.status_code == 200
    assert "That is not a verification code" in response.content.decode()


@pytest.mark.parametrize("code", ["abc%00", "%C3%A9t%C3%A9", "x" * 65])
def test_verify_of_something_that_is_no_code_is_404(client, code):
    response = client.get(f"/verify/{code}/")

    assert response.status_code == 404


def test_verify_post_is_405(client, past_session, participant):
    certificate = CertificateFactory(user=participant, session=past_session)

    response = client.post(reverse("cpd:verify", args=[certificate.code]))

    assert (response.status_code, response["Allow"]) == (405, "GET")


# managing certificates


def test_manage_certificates_lists_past_sessions_cycles_and_certificates(client, program, coordinator, ana):
    held = PastSessionFactory(program=program, title="Tapering basics")
    SessionFactory(program=program, title="Still to come")
    PastSessionFactory(program=program, cycle=CycleFactory(program=program, name="Fall 2026"))
    certificate = CertificateFactory(user=ana, session=held, credits=Decimal("1.75"))
    client.force_login(coordinator)

    response = client.get(reverse("cpd:manage_certificates", args=[program.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<td data-label="Session">Tapering basics</td>' in body
    assert "Still to come" not in body
    assert "Issue Fall 2026 summaries" in body
    assert (
        '<td data-label="Person">Ana Lopez<div class="small text-secondary">ana.lopez@example.org</div></td>'
        in body
    )
    assert '<td data-label="Credits" class="num">1.75</td>' in body
    assert reverse("cpd:revoke", args=[certificate.pk]) in body


def test_manage_certificates_by_a_participant_is_403_and_another_program_404(
    client, program, participant, other_coordinator
):
    url = reverse("cpd:manage_certificates", args=[program.slug])
    statuses = []
    for user in (participant, other_coordinator):
        client.force_login(user)
        statuses.append(client.get(url).status_code)

    assert statuses == [403, 404]


def test_manage_certificates_anonymous_goes_to_login(client, program):
    url = reverse("cpd:manage_certificates", args=[program.slug])

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _login_url(url))


# bulk issue and progress


def _progress_url(program, **target) -> str:
    query = "&".join(f"{k}={v}" for k, v in target.items())
    return f"{reverse('cpd:progress', args=[program.slug])}?{query}"


def test_bulk_issue_for_a_session_issues_the_eligible_and_shows_progress(
    client, past_session, program, coordinator, django_capture_on_commit_callbacks
):
    eligible = [_member(program, full_name=f"Eligible {n}") for n in range(2)]
    for user in eligible:
        _earned(past_session, user, minutes=90)
    _earned(past_session, _member(program), minutes=89)
    AttendanceFactory(session=past_session, user=_member(program), minutes=120)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cpd:bulk_issue", args=[program.slug]), {"session": past_session.pk})
    progress = client.get(response.url)

    assert (response.status_code, response.url) == (302, _progress_url(program, session=past_session.pk))
    assert _messages(response) == ["2 certificates issued."]
    assert set(Certificate.objects.values_list("user", "render_status", "credits")) == {
        (user.pk, "ready", Decimal("1.50")) for user in eligible
    }
    assert "2 of 2 certificates rendered. Done." in progress.content.decode()
    assert "<h1>Issuing certificates for Past session</h1>" in progress.content.decode()


def test_bulk_issue_for_a_cycle_issues_one_summary_per_person_with_credits(client, program, coordinator):
    cycle = CycleFactory(program=program, name="Fall 2026")
    session = PastSessionFactory(program=program, cycle=cycle)
    earner = _member(program)
    _earned(session, earner)
    AttendanceFactory(session=session, user=_member(program), minutes=30)
    client.force_login(coordinator)

    response = client.post(reverse("cpd:bulk_issue", args=[program.slug]), {"cycle": cycle.pk})
    again = client.post(reverse("cpd:bulk_issue", args=[program.slug]), {"cycle": cycle.pk})
    progress = client.get(response.url)

    certificate = Certificate.objects.get()
    assert response.url == _progress_url(program, cycle=cycle.pk)
    assert _messages(again) == [
        "1 certificate issued.",
        "No certificate issued (1 existed already). The table below says who got none and why.",
    ]
    assert (certificate.user, certificate.kind, certificate.cycle, certificate.credits) == (
        earner,
        "cycle",
        cycle,
        Decimal("2.00"),
    )
    assert "0 of 1 certificates rendered…" in progress.content.decode()
    assert "<h1>Issuing certificates for Fall 2026</h1>" in progress.content.decode()


def test_bulk_issue_for_a_session_of_another_program_is_404(client, program, coordinator, other_session):
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(reverse("cpd:bulk_issue", args=[program.slug]), {"session": other_session.pk})

    assert response.status_code == 404
    assert changes_since(before) == {}


def test_bulk_issue_by_a_participant_is_403(client, past_session, program, participant):
    _earned(past_session, participant)
    client.force_login(participant)
    before = snapshot()

    response = client.post(reverse("cpd:bulk_issue", args=[program.slug]), {"session": past_session.pk})

    assert response.status_code == 403
    assert changes_since(before) == {}


def test_bulk_issue_get_is_405(client, program, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("cpd:bulk_issue", args=[program.slug]))

    assert (response.status_code, response["Allow"]) == (405, "POST")


def test_progress_htmx_request_returns_only_the_panel(
    client, past_session, program, coordinator, participant
):
    CertificateFactory(user=participant, session=past_session)
    CertificateFactory(user=_member(program), session=past_session, render_status="pending", file="")
    client.force_login(coordinator)
    url = _progress_url(program, session=past_session.pk)

    response = client.get(url, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert [t.name for t in response.templates] == ["cpd/progress_panel.html"]
    assert body.startswith(
        f'<div id="progress-panel" hx-get="{url}" hx-trigger="every 2s" hx-swap="outerHTML">'
    )
    assert "1 of 2 certificates rendered…" in body
    assert "<html" not in body
    assert "Back to certificates" not in body


def test_progress_shows_a_failed_render_with_its_reason(
    client, past_session, program, coordinator, ana, full_disk, django_capture_on_commit_callbacks
):
    _earned(past_session, ana)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cpd:bulk_issue", args=[program.slug]), {"session": past_session.pk})

    response = client.get(_progress_url(program, session=past_session.pk), headers={"HX-Request": "true"})

    body = response.content.decode()
    certificate = Certificate.objects.get()
    assert "0 of 1 certificates rendered, 1 to be tried again. Done for now." in body
    assert (
        "<li>Ana Lopez: A file the PDF needs could not be read or saved (a font, the logo, or the file"
        f" storage). Tried 1 time; the next try is at {date_time(certificate.next_render_at)}.</li>"
    ) in body
    assert "hx-get" not in body


def test_progress_without_a_target_is_404(client, program, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("cpd:progress", args=[program.slug]))

    assert response.status_code == 404


def test_progress_by_a_participant_is_403(client, past_session, program, participant):
    client.force_login(participant)

    response = client.get(_progress_url(program, session=past_session.pk))

    assert response.status_code == 403


# reissue and revoke


def test_reissue_by_the_coordinator_marks_a_duplicate(
    client, past_session, participant, coordinator, program
):
    _earned(past_session, participant)
    certificate = CertificateFactory(user=participant, session=past_session)
    client.force_login(coordinator)

    response = client.post(reverse("cpd:reissue", args=[certificate.pk]))

    certificate.refresh_from_db()
    assert (response.status_code, response.url) == (
        302,
        reverse("cpd:manage_certificates", args=[program.slug]),
    )
    assert _messages(response) == ["The certificate is being reissued, marked DUPLICATE."]
    assert (certificate.issue_number, certificate.render_status) == (2, "pending")


@pytest.mark.parametrize(("member", "expected"), [("participant", 403), ("other_coordinator", 404)])
def test_reissue_by_the_owner_is_403_and_by_others_404(
    client, request, past_session, participant, member, expected
):
    certificate = CertificateFactory(user=participant, session=past_session)
    client.force_login(request.getfixturevalue(member))
    before = snapshot()

    response = client.post(reverse("cpd:reissue", args=[certificate.pk]))

    assert response.status_code == expected
    assert changes_since(before) == {}


def test_revoke_requires_a_reason(client, past_session, participant, coordinator):
    certificate = CertificateFactory(user=participant, session=past_session)
    client.force_login(coordinator)

    response = client.post(reverse("cpd:revoke", args=[certificate.pk]), {"reason": "  "})

    certificate.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert certificate.status == "valid"


def test_revoke_with_a_reason_revokes(client, past_session, participant, coordinator, program):
    certificate = CertificateFactory(user=participant, session=past_session)
    client.force_login(coordinator)

    response = client.post(reverse("cpd:revoke", args=[certificate.pk]), {"reason": "Attendance misrecorded"})

    certificate.refresh_from_db()
    assert (response.status_code, response.url) == (
        302,
        reverse("cpd:manage_certificates", args=[program.slug]),
    )
    assert _messages(response) == ["The certificate is revoked. Its verification page now says so."]
    assert (certificate.status, certificate.revoked_reason, certificate.revoked_by) == (
        "revoked",
        "Attendance misrecorded",
        coordinator,
    )


@pytest.mark.parametrize(("member", "expected"), [("participant", 403), ("outsider", 404)])
def test_revoke_by_the_owner_is_403_and_by_others_404(
    client, request, past_session, participant, member, expected
):
    certificate = CertificateFactory(user=participant, session=past_session)
    client.force_login(request.getfixturevalue(member))
    before = snapshot()

    response = client.post(reverse("cpd:revoke", args=[certificate.pk]), {"reason": "Mine"})

    assert response.status_code == expected
    assert changes_since(before) == {}


def test_revoke_put_is_405(client, past_session, participant, coordinator):
    certificate = CertificateFactory(user=participant, session=past_session)
    client.force_login(coordinator)

    response = client.put(reverse("cpd:revoke", args=[certificate.pk]))

    assert (response.status_code, response["Allow"]) == (405, "GET, POST")


def test_transcript_year_is_a_year_of_the_programs_own_calendar(client, program, participant):
    # 04:30 UTC on 1 January is still New Year's Eve in Toronto.
    _earned(_held(program, "New Year's Eve", datetime(2025, 1, 1, 4, 30, tzinfo=UTC)), participant)
    _held(program, "January", datetime(2025, 1, 8, 17, tzinfo=UTC))
    client.force_login(participant)

    latest = client.get(reverse("cpd:transcript"))
    earlier = client.get(reverse("cpd:transcript"), {"year": "2024"})

    assert latest.context["years"] == [2025, 2024]
    assert [r.session.title for g in latest.context["groups"] for r in g.rows] == ["January"]
    assert [r.session.title for g in earlier.context["groups"] for r in g.rows] == ["New Year's Eve"]


@pytest.mark.parametrize("year", ["2023", "20x5", ""])
def test_transcript_of_a_year_without_sessions_is_not_found(client, program, participant, year):
    _held(program, "January", datetime(2025, 1, 8, 17, tzinfo=UTC))
    client.force_login(participant)

    assert client.get(reverse("cpd:transcript"), {"year": year}).status_code == 404
