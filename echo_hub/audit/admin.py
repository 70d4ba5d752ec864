from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, even for superusers."""

    list_display = ["at", "action", "actor_email", "program", "object_label", "ip"]
    list_filter = ["action", "program"]
    search_fields = ["actor_email", "object_label", "ip", "request_id"]
    date_hierarchy = "at"
    list_select_related = ["program"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
