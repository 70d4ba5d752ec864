from django.contrib import admin

from echo_hub.lib.admin import ReadOnlyAdmin

from .models import ZoomConnection, ZoomMeeting, ZoomRegistrant

# Encrypted or not, a secret is never shown again: coordinators replace them in program settings.
SECRET_FIELDS = {"client_secret_encrypted", "webhook_token_encrypted", "access_token_encrypted"}


@admin.register(ZoomConnection)
class ZoomConnectionAdmin(ReadOnlyAdmin):
    list_display = ["program", "status", "checked_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["program__name", "account_id", "client_id"]
    list_select_related = ["program"]
    exclude = sorted(SECRET_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name not in SECRET_FIELDS]


@admin.register(ZoomMeeting)
class ZoomMeetingAdmin(ReadOnlyAdmin):
    list_display = ["session", "meeting_id", "status", "report_imported_at", "report_unmatched"]
    list_filter = ["status", "session__program"]
    search_fields = ["session__title", "meeting_id", "uuid"]
    list_select_related = ["session"]


@admin.register(ZoomRegistrant)
class ZoomRegistrantAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "user", "registrant_id", "cancelled_at"]
    list_filter = ["meeting__session__program"]
    search_fields = ["user__email", "registrant_id"]
    list_select_related = ["meeting__session", "user"]
