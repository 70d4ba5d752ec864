from django.contrib import admin

from echo_hub.lib.admin import ReadOnlyAdmin

from .models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseForm,
    CaseFormVersion,
    CaseSlot,
    CaseTag,
    FollowUp,
    IdentifierOverride,
    Medication,
    Recommendation,
    RecommendationLetter,
)


class MedicationInline(admin.TabularInline):
    model = Medication
    extra = 0


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    raw_id_fields = ["author"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ["kind", "actor", "note", "at"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title", "program", "presenter", "status", "submitted_at", "updated_at"]
    list_filter = ["status", "program", "library_shared", "library_screening"]
    search_fields = ["title", "presenter__email", "presenter__full_name"]
    list_select_related = ["program", "presenter"]
    raw_id_fields = ["presenter", "follow_up_of", "requested_session"]
    # The presenter's agreement and the coordinator's screening change only through their pages,
    # which check who may do it and record it in the audit trail.
    readonly_fields = ["library_shared", "library_screening", "library_screened_by", "library_screened_at"]
    inlines = [MedicationInline, RecommendationInline, CaseEventInline]


@admin.register(CaseSlot)
class CaseSlotAdmin(admin.ModelAdmin):
    list_display = ["case", "session", "position", "assigned_at"]
    list_filter = ["session__program"]
    search_fields = ["case__title", "session__title"]
    list_select_related = ["case", "session"]
    raw_id_fields = ["case", "session", "assigned_by"]


@admin.register(RecommendationLetter)
class RecommendationLetterAdmin(admin.ModelAdmin):
    list_display = ["case", "status", "finalized_at", "rendered_at"]
    list_filter = ["status"]
    search_fields = ["case__title"]
    readonly_fields = ["sha256", "file", "finalized_at", "rendered_at", "last_error"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["case", "author", "created_at"]
    list_filter = ["case__program", "created_at"]
    search_fields = ["case__title"]
    raw_id_fields = ["case", "author"]


@admin.register(Medication)
class MedicationAdmin(admin.ModelAdmin):
    list_display = ["case", "drug", "daily_dose", "mme"]
    list_filter = ["drug"]
    search_fields = ["case__title", "drug", "drug_other"]
    list_select_related = ["case"]
    raw_id_fields = ["case", "follow_up"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["case", "heading", "author", "updated_at"]
    list_filter = ["heading", "case__program"]
    search_fields = ["case__title", "text"]
    list_select_related = ["case", "author"]
    raw_id_fields = ["case", "author"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "actor", "at"]
    list_filter = ["kind", "case__program"]
    search_fields = ["case__title", "actor__email"]
    list_select_related = ["case", "actor"]


@admin.register(CaseTag)
class CaseTagAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "created_at"]
    list_filter = ["program"]
    search_fields = ["name"]
    list_select_related = ["program"]
    filter_horizontal = ["cases"]


@admin.register(IdentifierOverride)
class IdentifierOverrideAdmin(ReadOnlyAdmin):
    """Read-only: a coordinator accepts vouched text on the case page (cases.services)."""

    list_display = ["case", "field", "status", "created_by", "created_at", "decided_by"]
    list_filter = ["status", "case__program"]
    search_fields = ["case__title", "created_by__email", "reason"]
    list_select_related = ["case", "created_by", "decided_by"]


@admin.register(CaseForm)
class CaseFormAdmin(ReadOnlyAdmin):
    """Coordinators change a form in its editor, which writes a new version."""

    list_display = ["program", "current"]
    search_fields = ["program__name"]
    list_select_related = ["program", "current"]


@admin.register(CaseFormVersion)
class CaseFormVersionAdmin(ReadOnlyAdmin):
    """A version is never changed: cases written with it must read as they were submitted."""

    list_display = ["case_form", "number", "created_by", "created_at"]
    list_filter = ["case_form__program"]
    search_fields = ["case_form__program__name", "created_by__email"]
    list_select_related = ["case_form__program", "created_by"]


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(ReadOnlyAdmin):
    """Attachments are served through the case's permission check, never from the admin."""

    list_display = ["original_name", "case", "field", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type", "case__program"]
    search_fields = ["original_name", "case__title"]
    list_select_related = ["case"]
    exclude = ["file"]

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name != "file"]
