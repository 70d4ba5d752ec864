from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("manage/<slug:slug>/reports/", views.program_report, name="program"),
    path("manage/<slug:slug>/reports/report.pdf", views.report_pdf, name="pdf"),
    path("manage/<slug:slug>/reports/<slug:table>.csv", views.report_csv, name="csv"),
]
