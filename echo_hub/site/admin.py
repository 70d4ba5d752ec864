from django.contrib import admin

from .models import ReportExport


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    """Read-only: exports are asked for on the report page and made by a worker."""

    list_display = ("program", "created_at", "requested_by", "status", "render_attempts")
    list_filter = ("status", "program")
    search_fields = ("program__name", "requested_by__email")
    list_select_related = ("program", "requested_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
