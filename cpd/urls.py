from django.urls import path

from . import accreditation_views, cycle_views, issue_views, survey_views, transcript_views, views

app_name = "cpd"

urlpatterns = [
    path("cpd/", views.transcript, name="transcript"),
    path("cpd/transcript.pdf", transcript_views.transcript_pdf, name="transcript_pdf"),
    path("cpd/transcript.csv", transcript_views.transcript_csv, name="transcript_csv"),
    path("cpd/certificates/<int:pk>/download/", views.certificate_download, name="certificate_download"),
    path("cpd/certificates/<int:pk>/reissue/", views.reissue, name="reissue"),
    path("cpd/certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("programs/<slug:slug>/sessions/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path(
        "programs/<slug:slug>/sessions/<int:pk>/certificate/", views.claim_session_certificate, name="claim"
    ),
    path("manage/<slug:slug>/certificates/", views.manage_certificates, name="manage_certificates"),
    path("manage/<slug:slug>/certificates/issue/", views.bulk_issue, name="bulk_issue"),
    path(
        "manage/<slug:slug>/certificates/<int:pk>/retry/", views.certificate_retry, name="certificate_retry"
    ),
    path("manage/<slug:slug>/certificates/progress/", views.progress, name="progress"),
    path(
        "manage/<slug:slug>/certificates/sessions/<int:pk>/remind-evaluations/",
        issue_views.remind_evaluations,
        name="remind_evaluations",
    ),
    path("manage/<slug:slug>/cycles/<int:cycle_pk>/close/", cycle_views.cycle_close, name="cycle_close"),
    path("manage/<slug:slug>/exports/attendance/", views.export_attendance, name="export_attendance"),
    path("manage/<slug:slug>/exports/<str:kind>/", accreditation_views.export_credits, name="export_credits"),
    path("manage/<slug:slug>/accreditation/", accreditation_views.accreditation, name="accreditation"),
    path(
        "manage/<slug:slug>/accreditation/image/<str:image>/",
        accreditation_views.accreditation_image,
        name="accreditation_image",
    ),
    path(
        "manage/<slug:slug>/accreditation/credit-types/new/",
        accreditation_views.credit_type_create,
        name="credit_type_create",
    ),
    path(
        "manage/<slug:slug>/accreditation/credit-types/<int:pk>/",
        accreditation_views.credit_type_edit,
        name="credit_type_edit",
    ),
    path(
        "manage/<slug:slug>/accreditation/credit-types/<int:pk>/delete/",
        accreditation_views.credit_type_delete,
        name="credit_type_delete",
    ),
    path(
        "programs/<slug:slug>/surveys/<int:pk>/<str:phase>/", survey_views.survey_answer, name="survey_answer"
    ),
    path("manage/<slug:slug>/surveys/", survey_views.survey_list, name="survey_list"),
    path("manage/<slug:slug>/surveys/<int:cycle_pk>/", survey_views.survey_build, name="survey_build"),
    path(
        "manage/<slug:slug>/surveys/<int:cycle_pk>/template/",
        survey_views.survey_use_template,
        name="survey_use_template",
    ),
    path(
        "manage/<slug:slug>/surveys/<int:cycle_pk>/send/<str:phase>/",
        survey_views.survey_send,
        name="survey_send",
    ),
    path(
        "manage/<slug:slug>/surveys/<int:cycle_pk>/results/",
        survey_views.survey_results,
        name="survey_results",
    ),
    path(
        "manage/<slug:slug>/surveys/<int:cycle_pk>/export/", survey_views.survey_export, name="survey_export"
    ),
]
