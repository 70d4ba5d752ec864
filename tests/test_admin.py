"""Every model is in the Django admin, searchable and filterable; records that change only
through a service (attendance, evaluations, certificates, case events) are read-only there."""

import uuid

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from cpd.models import EvaluationReminder, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from echo_hub.audit.models import AuditEvent
from sessions.models import AttendanceChange, MemberJoinLink, ReportAlias, SessionJoin
from tests.factories import (
    AttendanceClaimFactory,
    AttendanceFactory,
    CaseEventFactory,
    CertificateFactory,
    CycleFactory,
    EvaluationFactory,
    MedicationFactory,
    NotificationFactory,
    PastSessionFactory,
    RecommendationFactory,
    SessionMaterialFactory,
    UserFactory,
)
from zoom import crypto as zoom_crypto
from zoom.models import ZoomConnection, ZoomMeeting, ZoomRegistrant

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "notifications", "audit", "echo_sessions", "cases", "cpd", "zoom", "echo_site"}
READ_ONLY = [
    "echo_sessions.session",
    "echo_sessions.sessionchange",
    "echo_site.reportexport",
    "echo_sessions.cycle",
    "echo_sessions.attendance",
    "echo_sessions.attendancechange",
    "echo_sessions.attendanceclaim",
    "echo_sessions.sessionjoin",
    "echo_sessions.memberjoinlink",
    "zoom.zoomconnection",
    "zoom.zoommeeting",
    "zoom.zoomregistrant",
    "echo_sessions.sessionmaterial",
    "cases.caseevent",
    "cpd.certificate",
    "cpd.evaluation",
    "cpd.evaluationreminder",
    "cpd.survey",
    "cpd.surveyresponse",
    "audit.auditevent",
    "notifications.notificationpreference",
]
# The questions and answers of a survey are read as part of it.
INLINE_ONLY = {"cpd.surveyquestion", "cpd.surveyanswer"}


def _our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_model_is_in_the_admin():
    missing = [
        m._meta.label_lower
        for m in _our_models()
        if not admin.site.is_registered(m) and m._meta.label_lower not in INLINE_ONLY
    ]

    assert missing == []


@pytest.fixture
def records(program):
    past = PastSessionFactory(program=program)
    attendance = AttendanceFactory(session=past, minutes=90)
    AttendanceChange.objects.create(
        attendance=attendance, old_minutes=60, new_minutes=90, source="adjustment", reason="Late join"
    )
    AttendanceClaimFactory(session=past, user=attendance.user, minutes=90)
    SessionJoin.objects.create(session=past, user=attendance.user, joined_at=past.starts_at)
    ReportAlias.objects.create(program=program, key="amira (iphone)", user=attendance.user)
    SessionMaterialFactory(session=past)
    EvaluationFactory(session=past, user=attendance.user)
    EvaluationReminder.objects.create(session=past, user=attendance.user, batch=uuid.uuid4())
    CertificateFactory(user=attendance.user, session=past)
    medication = MedicationFactory(case__program=program)
    RecommendationFactory(case=medication.case)
    CaseEventFactory(case=medication.case)
    NotificationFactory(user=attendance.user, email=attendance.user.email)
    survey = Survey.objects.create(cycle=CycleFactory(program=program), title="Fall survey")
    question = SurveyQuestion.objects.create(survey=survey, position=1, kind="likert", text="Confident?")
    response = SurveyResponse.objects.create(survey=survey, user=attendance.user, phase="pre")
    SurveyAnswer.objects.create(response=response, question=question, value_number=4)
    connection = ZoomConnection.objects.create(
        program=program,
        account_id="acct",
        client_id="client",
        client_secret_encrypted=zoom_crypto.encrypt("client-secret-value"),
        webhook_token_encrypted=zoom_crypto.encrypt("webhook-token-value"),
    )
    meeting = ZoomMeeting.objects.create(session=past, meeting_id=85000000001, uuid="abc==")
    ZoomRegistrant.objects.create(
        meeting=meeting, user=attendance.user, registrant_id="r1", join_url="https://example.zoom.us/w/1"
    )
    MemberJoinLink.objects.create(session=past, user=attendance.user, url="https://example.zoom.us/w/1")
    return connection


def test_every_changelist_and_change_page_opens_for_a_superuser(client, records):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    failures = {}
    for model in _our_models():
        if not admin.site.is_registered(model):
            continue
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        listing = client.get(reverse(f"admin:{label}_changelist"), {"q": "a"})
        first = model.objects.first()
        detail = client.get(reverse(f"admin:{label}_change", args=[first.pk])) if first else None
        statuses = (listing.status_code, detail.status_code if detail else None)
        if statuses not in {(200, 200), (200, None)}:
            failures[model._meta.label_lower] = statuses

    assert failures == {}


def test_zoom_secrets_are_never_shown_in_the_admin(client, records):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:zoom_zoomconnection_change", args=[records.pk])).content.decode()
    assert "acct" in page
    assert records.client_secret_encrypted not in page and "client-secret-value" not in page
    assert records.webhook_token_encrypted not in page and "webhook-token-value" not in page


@pytest.mark.parametrize("label", READ_ONLY)
def test_records_kept_by_services_are_read_only_in_the_admin(rf, label):
    model_admin = admin.site._registry[apps.get_model(label)]
    request = rf.get("/")
    request.user = UserFactory.build(is_superuser=True, is_staff=True)

    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request),
        model_admin.has_delete_permission(request),
    ) == (False, False, False)


def test_reissuing_from_the_admin_goes_through_the_service(client, program):
    certificate = CertificateFactory(session=PastSessionFactory(program=program))
    # The facts it states still hold: the reissue is a copy (a new issue number, DUPLICATE).
    AttendanceFactory(session=certificate.session, user=certificate.user, minutes=120)
    EvaluationFactory(session=certificate.session, user=certificate.user)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    client.post(
        reverse("admin:cpd_certificate_changelist"),
        {"action": "reissue", "_selected_action": [certificate.pk]},
    )

    certificate.refresh_from_db()
    assert certificate.issue_number == 2


def test_program_settings_changed_in_the_admin_are_audited(client, program):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    url = reverse("admin:echo_sessions_program_change", args=[program.pk])
    data = {
        field: value
        for field, value in client.get(url).context["adminform"].form.initial.items()
        if value is not None
    }
    data |= {
        "attendance_threshold_percent": 60,
        "cycles-TOTAL_FORMS": 0,
        "cycles-INITIAL_FORMS": 0,
        "cycles-MIN_NUM_FORMS": 0,
        "cycles-MAX_NUM_FORMS": 1000,
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    program.refresh_from_db()
    assert program.attendance_threshold_percent == 60
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROGRAM_CHANGED)
    assert (event.actor_id, event.program_id, event.extra) == (
        superuser.pk,
        program.pk,
        {"attendance_threshold_percent": "75 → 60"},
    )


# One row per program or per person: the search finds it, a filter would list every program or
# person once.
ONE_PER_OWNER = {"cpd.accreditation", "cases.caseform", "notifications.notificationpreference"}


def test_every_admin_list_is_searchable_and_filterable():
    lacking = {
        model._meta.label_lower: (bool(model_admin.search_fields), bool(model_admin.list_filter))
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
        and not (
            model_admin.search_fields
            and (model_admin.list_filter or model._meta.label_lower in ONE_PER_OWNER)
        )
    }

    assert lacking == {}
