from django.contrib import admin

from echo_hub.lib.admin import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import (
    Attendance,
    AttendanceChange,
    AttendanceClaim,
    Cycle,
    Enrollment,
    GuestPresenter,
    Invitation,
    MemberJoinLink,
    Program,
    ReportAlias,
    Session,
    SessionChange,
    SessionJoin,
    SessionMaterial,
)


class CycleInline(admin.TabularInline):
    model = Cycle
    extra = 0
    # A cycle's dates hold its sessions: they move through sessions.scheduling, which checks that.
    readonly_fields = ["start_date", "end_date"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "is_open_for_enrollment", "attendance_threshold_percent"]
    list_filter = ["is_open_for_enrollment", "time_zone"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CycleInline]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Through the service, so that a change made here is in the program's audit trail too.
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.update_program(program=obj, changes=changes, by=request.user)


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
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


# Sessions are scheduled, moved and cancelled through sessions.scheduling, which keeps the time
# rules, the numbering and the audit trail: read-only here.
@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "program", "cycle", "starts_at", "status", "case_slots"]
    list_filter = ["status", "program", "cycle"]
    search_fields = ["title", "didactic_topic", "program__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["program", "cycle"]


class AttendanceChangeInline(ReadOnlyInline):
    model = AttendanceChange
    fk_name = "attendance"


# Attendance, its changes and "I attended" requests change only through sessions.attendance,
# which keeps the time rules and the audit trail: read-only here.
@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["session", "user", "minutes", "source", "verified", "joined_at", "updated_at"]
    list_filter = ["source", "verified", "session__program"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    list_select_related = ["session", "user"]
    inlines = [AttendanceChangeInline]


@admin.register(SessionJoin)
class SessionJoinAdmin(ReadOnlyAdmin):
    list_display = ["session", "user", "joined_at"]
    list_filter = ["session__program"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    list_select_related = ["session", "user"]


@admin.register(MemberJoinLink)
class MemberJoinLinkAdmin(ReadOnlyAdmin):
    list_display = ["session", "user", "updated_at"]
    list_filter = ["session__program"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    list_select_related = ["session", "user"]


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(ReadOnlyAdmin):
    list_display = ["attendance", "old_minutes", "new_minutes", "source", "changed_by", "changed_at"]
    list_filter = ["source", "attendance__session__program"]
    search_fields = ["attendance__user__email", "reason"]
    list_select_related = ["attendance__session", "attendance__user", "changed_by"]


@admin.register(AttendanceClaim)
class AttendanceClaimAdmin(ReadOnlyAdmin):
    list_display = ["session", "user", "minutes", "status", "created_at", "decided_at"]
    list_filter = ["status", "session__program"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    list_select_related = ["session", "user"]


@admin.register(ReportAlias)
class ReportAliasAdmin(admin.ModelAdmin):
    """How a name in a participants report was matched to a member, remembered for the next
    report. Deleting one makes the next report ask again."""

    list_display = ["key", "user", "program", "created_at"]
    list_filter = ["program"]
    search_fields = ["key", "user__email"]
    list_select_related = ["user", "program"]
    readonly_fields = ["program", "key", "user", "created_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SessionMaterial)
class SessionMaterialAdmin(ReadOnlyAdmin):
    list_display = ["title", "session", "kind", "uploaded_by", "created_at"]
    list_filter = ["kind", "session__program"]
    search_fields = ["title", "session__title"]
    list_select_related = ["session", "uploaded_by"]


@admin.register(GuestPresenter)
class GuestPresenterAdmin(admin.ModelAdmin):
    """Presenters without an account, named on a program's curriculum. A guest who presents a
    session cannot be deleted (the session keeps its presenter)."""

    list_display = ["name", "profession", "affiliation", "program", "created_at"]
    list_filter = ["program"]
    search_fields = ["name", "profession", "affiliation"]
    list_select_related = ["program"]


@admin.register(SessionChange)
class SessionChangeAdmin(ReadOnlyAdmin):
    list_display = ["session", "kind", "sequence", "created_at", "notified_at"]
    list_filter = ["kind", "session__program"]
    search_fields = ["session__title"]
    list_select_related = ["session"]
