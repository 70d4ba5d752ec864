from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.site_events, name="site"),
    path("audit/export.csv", views.site_events_csv, name="site_csv"),
]
