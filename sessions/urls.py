from django.urls import path

from .views import attendance, audit, curriculum, enrollment, invitations, manage, materials, member

app_name = "sessions"

urlpatterns = [
    path("programs/", member.program_list, name="program_list"),
    path("programs/new/", manage.program_create, name="program_create"),
    path("programs/<slug:slug>/", member.program_detail, name="program_detail"),
    path("programs/<slug:slug>/enroll/", member.program_enroll, name="program_enroll"),
    path("programs/<slug:slug>/sessions/", member.program_sessions, name="program_sessions"),
    path("programs/<slug:slug>/sessions/<int:pk>/", member.session_detail, name="session_detail"),
    path("programs/<slug:slug>/sessions/<int:pk>/calendar.ics", member.session_ics, name="session_ics"),
    path("programs/<slug:slug>/sessions/<int:pk>/join/", attendance.join, name="join"),
    path("programs/<slug:slug>/sessions/<int:pk>/attended/", attendance.claim, name="attendance_claim"),
    path(
        "programs/<slug:slug>/sessions/<int:pk>/materials/",
        materials.session_materials,
        name="session_materials",
    ),
    path(
        "programs/<slug:slug>/sessions/<int:pk>/materials/<int:material_pk>/remove/",
        materials.material_remove,
        name="material_remove",
    ),
    path(
        "programs/<slug:slug>/sessions/<int:pk>/materials/<int:material_pk>/download/",
        materials.material_download,
        name="material_download",
    ),
    path("programs/<slug:slug>/learning/", materials.learning_library, name="learning_library"),
    path("sessions/", member.my_sessions, name="my_sessions"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("manage/<slug:slug>/", manage.schedule, name="manage_schedule"),
    path("manage/<slug:slug>/audit/", audit.program_events, name="manage_audit"),
    path("manage/<slug:slug>/audit/export.csv", audit.program_events_csv, name="manage_audit_csv"),
    path("manage/<slug:slug>/settings/", manage.program_edit, name="manage_program_edit"),
    path("manage/<slug:slug>/cycles/new/", manage.cycle_create, name="manage_cycle_create"),
    path("manage/<slug:slug>/cycles/<int:pk>/edit/", manage.cycle_edit, name="manage_cycle_edit"),
    path("manage/<slug:slug>/cycles/<int:pk>/curriculum/", curriculum.curriculum, name="manage_curriculum"),
    path(
        "manage/<slug:slug>/cycles/<int:pk>/curriculum/template.csv",
        curriculum.curriculum_template,
        name="manage_curriculum_template",
    ),
    path(
        "manage/<slug:slug>/cycles/<int:pk>/curriculum/import/",
        curriculum.curriculum_import,
        name="manage_curriculum_import",
    ),
    path(
        "manage/<slug:slug>/cycles/<int:pk>/curriculum/import/confirm/",
        curriculum.curriculum_import_confirm,
        name="manage_curriculum_import_confirm",
    ),
    path("manage/<slug:slug>/schedule/new/", manage.schedule_new, name="manage_schedule_new"),
    path("manage/<slug:slug>/sessions/<int:pk>/edit/", manage.session_edit, name="manage_session_edit"),
    path("manage/<slug:slug>/sessions/<int:pk>/cancel/", manage.session_cancel, name="manage_session_cancel"),
    path(
        "manage/<slug:slug>/sessions/<int:pk>/reschedule/",
        manage.session_reschedule,
        name="manage_session_reschedule",
    ),
    path(
        "manage/<slug:slug>/sessions/<int:pk>/attendance/",
        attendance.manage_attendance,
        name="manage_attendance",
    ),
    path(
        "manage/<slug:slug>/sessions/<int:pk>/attendance/adjust/",
        attendance.adjust,
        name="manage_attendance_adjust",
    ),
    path(
        "manage/<slug:slug>/sessions/<int:pk>/attendance/confirm/",
        attendance.confirm_provisional,
        name="manage_attendance_confirm",
    ),
    path(
        "manage/<slug:slug>/sessions/<int:pk>/attendance/import/",
        attendance.import_report,
        name="manage_attendance_import",
    ),
    path(
        "manage/<slug:slug>/sessions/<int:pk>/attendance/import/confirm/",
        attendance.import_report_confirm,
        name="manage_attendance_import_confirm",
    ),
    path(
        "manage/<slug:slug>/attendance-requests/<int:claim_pk>/decide/",
        attendance.decide_claim,
        name="manage_attendance_claim_decide",
    ),
    path("manage/<slug:slug>/messages/failed/", manage.failed_messages, name="manage_failed_messages"),
    path("manage/<slug:slug>/messages/<int:pk>/retry/", manage.retry_message, name="manage_retry_message"),
    path("manage/<slug:slug>/enrollment/", enrollment.enrollment, name="manage_enrollment"),
    path(
        "manage/<slug:slug>/enrollment/<int:pk>/approve/",
        enrollment.enrollment_approve,
        name="manage_enrollment_approve",
    ),
    path(
        "manage/<slug:slug>/enrollment/<int:pk>/decline/",
        enrollment.enrollment_decline,
        name="manage_enrollment_decline",
    ),
    path(
        "manage/<slug:slug>/enrollment/<int:pk>/role/",
        enrollment.enrollment_role,
        name="manage_enrollment_role",
    ),
    path(
        "manage/<slug:slug>/enrollment/<int:pk>/remove/",
        enrollment.enrollment_remove,
        name="manage_enrollment_remove",
    ),
    path("manage/<slug:slug>/invite/", enrollment.invite, name="manage_invite"),
    path("manage/<slug:slug>/invitations/", invitations.manage_invitations, name="manage_invitations"),
    path(
        "manage/<slug:slug>/invitations/<int:pk>/resend/",
        invitations.invitation_resend,
        name="manage_invitation_resend",
    ),
    path(
        "manage/<slug:slug>/invitations/<int:pk>/revoke/",
        invitations.invitation_revoke,
        name="manage_invitation_revoke",
    ),
    path("manage/<slug:slug>/roster/import/", enrollment.roster_import, name="manage_roster_import"),
    path("manage/<slug:slug>/roster/template.csv", enrollment.roster_template, name="manage_roster_template"),
    path(
        "manage/<slug:slug>/roster/import/confirm/",
        enrollment.roster_import_confirm,
        name="manage_roster_import_confirm",
    ),
]
