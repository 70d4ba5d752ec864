"""Every model is in the Django admin, searchable and filterable; records that change only
through a service (attendance, evaluations, certificates, case events) are read-only there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from cpd.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from echo_hub.audit.models import AuditEvent
from sessions.models import AttendanceChange, ReportAlias, SessionJoin
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

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "notifications", "audit", "echo_sessions", "cases", "cpd"}
READ_ONLY = [
    "echo_sessions.session",
    "echo_sessions.sessionchange",
    "echo_site.reportexport",
    "echo_sessions.cycle",
    "echo_sessions.attendance",
    "echo_sessions.attendancechange",
    "echo_sessions.attendanceclaim",
    "echo_sessions.sessionjoin",
    "echo_sessions.sessionmaterial",
    "cases.caseevent",
    "cpd.certificate",
    "cpd.evaluation",
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
    CertificateFactory(user=attendance.user, session=past)
    medication = MedicationFactory(case__program=program)
    RecommendationFactory(case=medication.case)
    CaseEventFactory(case=medication.case)
    NotificationFactory(user=attendance.user, email=attendance.user.email)
    survey = Survey.objects.create(cycle=CycleFactory(program=program), title="Fall survey")
    question = SurveyQuestion.objects.create(survey=survey, position=1, kind="likert", text="Confident?")
    response = SurveyResponse.objects.create(survey=survey, user=attendance.user, phase="pre")
    SurveyAnswer.objects.create(response=response, question=question, value_number=4)


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
