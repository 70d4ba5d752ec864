from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("manage/<slug:slug>/reports/", views.program_report, name="program"),
    path("manage/<slug:slug>/reports/report.pdf", views.report_pdf, name="pdf"),
    path("manage/<slug:slug>/reports/exports/<int:pk>/", views.report_export, name="export"),
    path(
        "manage/<slug:slug>/reports/exports/<int:pk>/download/",
        views.report_export_download,
        name="export_download",
    ),
    path(
        "manage/<slug:slug>/reports/exports/<int:pk>/retry/", views.report_export_retry, name="export_retry"
    ),
    path("manage/<slug:slug>/reports/<slug:table>.csv", views.report_csv, name="csv"),
]
