from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/regenerate/", views.calendar_regenerate, name="calendar_regenerate"),
    path("security/", views.security, name="security"),
    path("language/", views.set_language, name="set_language"),
    path("security/two-factor/continue/", views.mfa_continue, name="mfa_continue"),
    path("security/sessions/end/", views.session_end, name="session_end"),
    path("security/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
]
