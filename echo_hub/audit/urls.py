from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("manage/<slug:slug>/audit/", views.program_events, name="program"),
    path("manage/<slug:slug>/audit/export.csv", views.program_events_csv, name="program_csv"),
    path("audit/", views.site_events, name="site"),
    path("audit/export.csv", views.site_events_csv, name="site_csv"),
]
