from django.contrib import admin

from echo_hub.lib.admin import ReadOnlyAdmin

from .models import ReportExport


@admin.register(ReportExport)
class ReportExportAdmin(ReadOnlyAdmin):
    """Exports are asked for on the report page and made by a worker."""

    list_display = ("program", "created_at", "requested_by", "status", "render_attempts")
    list_filter = ("status", "program")
    search_fields = ("program__name", "requested_by__email")
    list_select_related = ("program", "requested_by")
