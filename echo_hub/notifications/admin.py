from django.contrib import admin

from echo_hub.lib.admin import ReadOnlyAdmin

from .kinds import is_account_message
from .models import Notification, NotificationPreference

BODY_FIELDS = ("body_text", "body_html")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "email", "scope", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["email", "object_key", "scope", "subject"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # A pending confirmation or password-reset link opens someone's account: staff who may
        # read the outbox must not be able to read it.
        if obj is not None and is_account_message(obj.kind):
            return [name for name in fields if name not in BODY_FIELDS]
        return fields


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    """Each person sets their own on the Notifications page."""

    list_display = ["user", "muted_kinds", "updated_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
