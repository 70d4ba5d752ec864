from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from echo_hub.accounts.views import admin_login, admin_password_change
from echo_hub.site import health, views
from sessions.views.member import calendar_feed

# A request body over DATA_UPLOAD_MAX_MEMORY_SIZE (or too many fields) gets a clear page.
handler400 = "echo_hub.site.views.bad_request"

admin.site.site_header = "ECHO Hub administration"
admin.site.site_title = "ECHO Hub admin"
# The admin signs in and changes passwords through allauth, like the rest of the site.
admin.site.login = admin_login
admin.site.password_change = admin_password_change

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("", include("echo_hub.site.urls")),
    path("account/", include("echo_hub.accounts.urls")),
    path("", include("echo_hub.notifications.urls")),
    # allauth.usersessions' own list: the Security page lists and ends signed-in devices.
    path("accounts/sessions/", RedirectView.as_view(pattern_name="accounts:security")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("sessions.urls")),
    path("", include("cases.urls")),
    path("", include("cpd.urls")),
    path("", include("zoom.urls")),
    path("", include("echo_hub.site.reports.urls")),
    path("", include("echo_hub.audit.urls")),
]
