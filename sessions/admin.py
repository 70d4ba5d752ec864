from django.contrib import admin

from .models import Cycle, Enrollment, Invitation, Program, Session


class CycleInline(admin.TabularInline):
    model = Cycle
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "is_open_for_enrollment", "credit_type_label"]
    list_filter = ["is_open_for_enrollment", "time_zone"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CycleInline]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "start_date", "end_date"]
    list_filter = ["program"]
    search_fields = ["name", "program__name"]
    list_select_related = ["program"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "status", "requested_at", "decided_at"]
    list_filter = ["status", "role", "program"]
    search_fields = ["user__email", "user__full_name", "program__name"]
    list_select_related = ["user", "program"]
    raw_id_fields = ["user", "decided_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "program"]
    search_fields = ["email", "program__name"]
    list_select_related = ["program"]
    raw_id_fields = ["invited_by"]
    # Sending, accepting and revoking go through sessions.invitations, which keeps their rules.
    readonly_fields = ["token", "sent_at", "accepted_at", "accepted_by", "revoked_at", "revoked_by"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "program", "cycle", "starts_at", "status", "case_slots"]
    list_filter = ["status", "program", "cycle"]
    search_fields = ["title", "didactic_topic", "program__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["program", "cycle"]
    raw_id_fields = ["presenter"]
    readonly_fields = ["sequence", "created_at", "updated_at"]
