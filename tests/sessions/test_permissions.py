import copy
import dataclasses
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from cases.models import Case, CaseAttachment, RecommendationLetter
from cpd.models import Certificate, CreditType, Survey, SurveyQuestion
from cpd.services import update_accreditation
from echo_hub.accounts.models import CommunityType, Profession, User
from echo_hub.notifications.kinds import OPTIONAL_KINDS
from echo_hub.notifications.models import Notification, NotificationPreference
from echo_hub.notifications.services import unsubscribe_token
from echo_hub.site.models import ReportExport
from sessions.models import (
    AttendanceClaim,
    Enrollment,
    Invitation,
    Program,
    Role,
    Session,
    SessionMaterial,
    program_scope,
)
from tests.factories import (
    CERTIFICATE_PDF,
    LETTER_PDF,
    LOGO_PNG,
    REPORT_PDF,
    SLIDES_PDF,
    AttendanceClaimFactory,
    AttendanceFactory,
    CaseFactory,
    CaseSlotFactory,
    CertificateFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    InvitationFactory,
    NotificationFactory,
    PastSessionFactory,
    ProgramFactory,
    RecommendationFactory,
    RecommendationLetterFactory,
    ReportExportFactory,
    SessionFactory,
    SessionMaterialFactory,
    UserFactory,
    publish_to_library,
)
from tests.snapshot import changes_since, snapshot

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"
PENDING = "pending_user"
PARTICIPANT = "participant"
EXPERT = "expert"
COORDINATOR = "coordinator"
OTHER_COORDINATOR = "other_coordinator"
PRESENTER = "presenter"
ROLES = (ANONYMOUS, OUTSIDER, PENDING, PARTICIPANT, EXPERT, COORDINATOR, OTHER_COORDINATOR)
MEMBERS = {PARTICIPANT, EXPERT, COORDINATOR}

# Allowed methods, then the expected status per role, in the order of ROLES. The matrix
# sends POST to POST-only views and GET to everything else. The certificate, the
# "I attended" request and the failed message belong to PARTICIPANT.
# fmt: off
MATRIX = {
    #                                             methods     anon outs pend part expt coord other
    "home":                                      ("GET",      200, 200, 200, 200, 200,  200,  200),
    "healthz":                                   ("GET",      200, 200, 200, 200, 200,  200,  200),
    "readyz":                                    ("GET",      200, 200, 200, 200, 200,  200,  200),
    "calendar_feed":                             ("GET",      200, 200, 200, 200, 200,  200,  200),
    "accounts:profile":                          ("GET/POST", 302, 200, 200, 200, 200,  200,  200),
    "accounts:calendar":                         ("GET",      302, 200, 200, 200, 200,  200,  200),
    "accounts:calendar_regenerate":              ("POST",     302, 302, 302, 302, 302,  302,  302),
    "accounts:security":                         ("GET",      302, 200, 200, 200, 200,  200,  200),
    "accounts:set_language":                     ("GET/POST", 302, 302, 302, 302, 302,  302,  302),
    "accounts:mfa_continue":                     ("GET",      302, 302, 302, 302, 302,  302,  302),
    "accounts:session_end":                      ("POST",     302, 302, 302, 302, 302,  302,  302),
    "accounts:sessions_end_others":              ("POST",     302, 302, 302, 302, 302,  302,  302),
    "site:privacy":                          ("GET",      302, 200, 200, 200, 200,  200,  200),
    "site:data_export":                      ("GET",      302, 200, 200, 200, 200,  200,  200),
    "site:close_account":                            ("GET/POST", 302, 200, 200, 200, 200,  200,  200),
    "notifications:preferences":                 ("GET/POST", 302, 200, 200, 200, 200,  200,  200),
    "notifications:unsubscribe":                 ("GET/POST", 200, 200, 200, 200, 200,  200,  200),
    "sessions:program_list":                     ("GET",      200, 200, 200, 200, 200,  200,  200),
    "sessions:program_create":                   ("GET/POST", 302, 403, 403, 403, 403,  200,  403),
    "sessions:program_detail":                   ("GET",      200, 200, 200, 200, 200,  200,  200),
    "sessions:program_enroll":                   ("POST",     302, 302, 302, 302, 302,  302,  302),
    "sessions:program_sessions":                 ("GET",      302, 404, 404, 200, 200,  200,  404),
    "sessions:session_detail":                   ("GET",      302, 404, 404, 200, 200,  200,  404),
    "sessions:session_ics":                      ("GET",      302, 404, 404, 200, 200,  200,  404),
    "sessions:join":                             ("POST",     302, 404, 404, 302, 302,  302,  404),
    "sessions:attendance_claim":                 ("GET/POST", 302, 404, 404, 200, 200,  200,  404),
    "sessions:session_materials":                ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:material_remove":                  ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:material_download":                ("GET",      302, 404, 404, 200, 200,  200,  404),
    "sessions:learning_library":                 ("GET",      302, 404, 404, 200, 200,  200,  404),
    "sessions:my_sessions":                      ("GET",      302, 200, 200, 200, 200,  200,  200),
    "sessions:invitation_accept":                ("GET/POST", 302, 200, 200, 200, 200,  200,  200),
    "sessions:manage_schedule":                  ("GET",      302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_program_edit":              ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_cycle_create":              ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_cycle_edit":                ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_curriculum":                ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_curriculum_template":       ("GET",      302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_curriculum_import":         ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_curriculum_import_confirm": ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_schedule_new":              ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_session_edit":              ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_session_cancel":            ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_session_reschedule":        ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_attendance":                ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_attendance_adjust":         ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_attendance_import":         ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_attendance_import_confirm": ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_attendance_claim_decide":   ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_attendance_confirm":        ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_failed_messages":           ("GET",      302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_retry_message":             ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_enrollment":                ("GET",      302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_enrollment_approve":        ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_enrollment_decline":        ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_enrollment_role":           ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_enrollment_remove":         ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_invite":                    ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_invitations":               ("GET",      302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_invitation_resend":         ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_invitation_revoke":         ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_roster_import":             ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_roster_import_confirm":     ("POST",     302, 404, 404, 403, 403,  302,  404),
    "sessions:manage_roster_template":           ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cases:mine":                                ("GET",      302, 200, 200, 200, 200,  200,  200),
    "cases:review":                              ("GET",      302, 200, 200, 200, 200,  200,  200),
    "cases:present":                             ("GET",      302, 200, 200, 302, 302,  302,  302),
    "cases:create":                              ("GET/POST", 302, 404, 404, 200, 200,  200,  404),
    "cases:session_agenda":                      ("GET",      302, 404, 404, 200, 200,  200,  404),
    "cases:queue":                               ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cases:form_editor":                         ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    # An attachment of the scheduled case: whoever may read the case may download it.
    "cases:attachment":                          ("GET",      302, 404, 404, 200, 200,  200,  404),
    "cases:letter_retry":                        ("POST",     302, 404, 404, 403, 403,  302,  404),
    "cases:library_index":                       ("GET",      302, 200, 200, 302, 302,  302,  302),
    "cases:library":                             ("GET",      302, 404, 404, 200, 200,  200,  404),
    "cases:library_case":                        ("GET",      302, 404, 404, 200, 200,  200,  404),
    "cpd:transcript":                            ("GET",      302, 200, 200, 200, 200,  200,  200),
    "cpd:transcript_pdf":                        ("GET",      302, 200, 200, 200, 200,  200,  200),
    "cpd:transcript_csv":                        ("GET",      302, 200, 200, 200, 200,  200,  200),
    "cpd:verify_lookup":                         ("GET",      200, 200, 200, 200, 200,  200,  200),
    "cpd:verify":                                ("GET",      200, 200, 200, 200, 200,  200,  200),
    "cpd:certificate_download":                  ("GET",      302, 404, 404, 200, 404,  200,  404),
    "cpd:reissue":                               ("POST",     302, 404, 404, 403, 404,  302,  404),
    "cpd:revoke":                                ("GET/POST", 302, 404, 404, 403, 404,  200,  404),
    "cpd:evaluate":                              ("GET/POST", 302, 404, 404, 200, 200,  200,  404),
    "cpd:claim":                                 ("POST",     302, 404, 404, 302, 302,  302,  404),
    "cpd:manage_certificates":                   ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cpd:bulk_issue":                            ("POST",     302, 404, 404, 403, 403,  302,  404),
    "cpd:certificate_retry":                     ("POST",     302, 404, 404, 403, 403,  302,  404),
    "cpd:progress":                              ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cpd:remind_evaluations":                    ("POST",     302, 404, 404, 403, 403,  302,  404),
    "cpd:export_attendance":                     ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cpd:export_credits":                        ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cpd:accreditation":                         ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "cpd:accreditation_image":                   ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cpd:credit_type_create":                    ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "cpd:credit_type_edit":                      ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "cpd:credit_type_delete":                    ("POST",     302, 404, 404, 403, 403,  302,  404),
    "cpd:survey_list":                           ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cpd:survey_build":                          ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "cpd:cycle_close":                           ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "cpd:survey_use_template":                   ("POST",     302, 404, 404, 403, 403,  302,  404),
    "cpd:survey_send":                           ("POST",     302, 404, 404, 403, 403,  302,  404),
    "cpd:survey_results":                        ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cpd:survey_export":                         ("GET",      302, 404, 404, 403, 403,  200,  404),
    "cpd:survey_answer":                         ("GET/POST", 302, 404, 404, 200, 200,  200,  404),
    "reports:program":                           ("GET",      302, 404, 404, 403, 403,  200,  404),
    "reports:pdf":                               ("POST",     302, 404, 404, 403, 403,  302,  404),
    "reports:export":                            ("GET",      302, 404, 404, 403, 403,  200,  404),
    "reports:export_download":                   ("GET",      302, 404, 404, 403, 403,  200,  404),
    "reports:export_retry":                      ("POST",     302, 404, 404, 403, 403,  302,  404),
    "reports:csv":                               ("GET",      302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_audit":                             ("GET",      302, 404, 404, 403, 403,  200,  404),
    "sessions:manage_audit_csv":                         ("GET",      302, 404, 404, 403, 403,  200,  404),
    "audit:site":                                ("GET",      302, 404, 404, 404, 404,  404,  404),
    "audit:site_csv":                            ("GET",      302, 404, 404, 404, 404,  404,  404),
    "zoom:connection":                           ("GET/POST", 302, 404, 404, 403, 403,  200,  404),
    "zoom:reconnect":                            ("POST",     302, 404, 404, 403, 403,  302,  404),
    "zoom:meeting":                              ("GET",      302, 404, 404, 403, 403,  200,  404),
    "zoom:recreate":                             ("POST",     302, 404, 404, 403, 403,  302,  404),
    "zoom:fetch_report":                         ("POST",     302, 404, 404, 403, 403,  302,  404),
    "zoom:match":                                ("GET",      302, 404, 404, 403, 403,  302,  404),
    # Zoom's signed webhook: no sign-in, and this program has no Zoom secret to sign with.
    "zoom:webhook":                              ("POST",     401, 401, 401, 401, 401,  401,  401),
}
# fmt: on

# Views of one case, by the state of the case. The presenter is a participant of the
# program who wrote the case; PARTICIPANT is another participant of the same program.
CASE_ROLES = (*ROLES, PRESENTER)
DRAFT, SUBMITTED, RETURNED = Case.Status.DRAFT, Case.Status.SUBMITTED, Case.Status.RETURNED
SCHEDULED, PRESENTED, LETTER_SENT = Case.Status.SCHEDULED, Case.Status.PRESENTED, Case.Status.LETTER_SENT
CASE_STATES = (DRAFT, SUBMITTED, RETURNED, SCHEDULED, PRESENTED, LETTER_SENT)
CASE_METHODS = {
    "cases:detail": "GET",
    "cases:edit": "GET/POST",
    "cases:submit": "POST",
    "cases:withdraw": "GET/POST",
    "cases:follow_up": "GET/POST",
    "cases:recommendations": "GET/POST",
    "cases:letter": "GET",
    "cases:assign": "POST",
    "cases:accept_overrides": "POST",
    "cases:return": "GET/POST",
    "cases:mark_presented": "POST",
    "cases:finalize": "GET/POST",
    "cases:tags": "GET/POST",
    "cases:library_sharing": "POST",
    "cases:library_screen": "GET/POST",
}
# fmt: off
CASE_MATRIX = {
    #                                          anon outs pend part expt coord other prst
    ("cases:detail", DRAFT):                  (302, 404, 404, 404, 404,  404,  404, 200),
    ("cases:detail", SUBMITTED):              (302, 404, 404, 404, 200,  200,  404, 200),
    ("cases:detail", RETURNED):               (302, 404, 404, 404, 200,  200,  404, 200),
    ("cases:detail", SCHEDULED):              (302, 404, 404, 200, 200,  200,  404, 200),
    ("cases:detail", PRESENTED):              (302, 404, 404, 200, 200,  200,  404, 200),
    ("cases:detail", LETTER_SENT):            (302, 404, 404, 200, 200,  200,  404, 200),
    ("cases:edit", DRAFT):                    (302, 404, 404, 404, 404,  404,  404, 200),
    ("cases:edit", SUBMITTED):                (302, 404, 404, 404, 403,  403,  404, 403),
    ("cases:edit", RETURNED):                 (302, 404, 404, 404, 403,  403,  404, 200),
    ("cases:edit", SCHEDULED):                (302, 404, 404, 403, 403,  403,  404, 403),
    ("cases:edit", PRESENTED):                (302, 404, 404, 403, 403,  403,  404, 403),
    ("cases:edit", LETTER_SENT):              (302, 404, 404, 403, 403,  403,  404, 403),
    ("cases:submit", DRAFT):                  (302, 404, 404, 404, 404,  404,  404, 302),
    ("cases:submit", SUBMITTED):              (302, 404, 404, 404, 403,  403,  404, 302),
    ("cases:submit", RETURNED):               (302, 404, 404, 404, 403,  403,  404, 302),
    ("cases:submit", SCHEDULED):              (302, 404, 404, 403, 403,  403,  404, 302),
    ("cases:submit", PRESENTED):              (302, 404, 404, 403, 403,  403,  404, 302),
    ("cases:submit", LETTER_SENT):            (302, 404, 404, 403, 403,  403,  404, 302),
    ("cases:withdraw", DRAFT):                (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:withdraw", SUBMITTED):            (302, 404, 404, 404, 403,  403,  404, 200),
    ("cases:withdraw", RETURNED):             (302, 404, 404, 404, 403,  403,  404, 200),
    ("cases:withdraw", SCHEDULED):            (302, 404, 404, 403, 403,  403,  404, 200),
    ("cases:withdraw", PRESENTED):            (302, 404, 404, 403, 403,  403,  404, 403),
    ("cases:withdraw", LETTER_SENT):          (302, 404, 404, 403, 403,  403,  404, 403),
    ("cases:follow_up", DRAFT):               (302, 404, 404, 404, 404,  404,  404, 200),
    ("cases:follow_up", SUBMITTED):           (302, 404, 404, 404, 403,  403,  404, 200),
    ("cases:follow_up", RETURNED):            (302, 404, 404, 404, 403,  403,  404, 200),
    ("cases:follow_up", SCHEDULED):           (302, 404, 404, 403, 403,  403,  404, 200),
    ("cases:follow_up", PRESENTED):           (302, 404, 404, 403, 403,  403,  404, 200),
    ("cases:follow_up", LETTER_SENT):         (302, 404, 404, 403, 403,  403,  404, 200),
    ("cases:recommendations", DRAFT):         (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:recommendations", SUBMITTED):     (302, 404, 404, 404, 200,  403,  404, 403),
    ("cases:recommendations", RETURNED):      (302, 404, 404, 404, 200,  403,  404, 403),
    ("cases:recommendations", SCHEDULED):     (302, 404, 404, 403, 200,  403,  404, 403),
    ("cases:recommendations", PRESENTED):     (302, 404, 404, 403, 200,  403,  404, 403),
    ("cases:recommendations", LETTER_SENT):   (302, 404, 404, 403, 200,  403,  404, 403),
    ("cases:letter", DRAFT):                  (302, 404, 404, 404, 404,  404,  404, 404),
    ("cases:letter", SUBMITTED):              (302, 404, 404, 404, 404,  404,  404, 404),
    ("cases:letter", RETURNED):               (302, 404, 404, 404, 404,  404,  404, 404),
    ("cases:letter", SCHEDULED):              (302, 404, 404, 404, 404,  404,  404, 404),
    ("cases:letter", PRESENTED):              (302, 404, 404, 404, 404,  404,  404, 404),
    ("cases:letter", LETTER_SENT):            (302, 404, 404, 404, 200,  200,  404, 200),
    ("cases:assign", DRAFT):                  (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:assign", SUBMITTED):              (302, 404, 404, 404, 403,  302,  404, 403),
    ("cases:assign", RETURNED):               (302, 404, 404, 404, 403,  302,  404, 403),
    ("cases:assign", SCHEDULED):              (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:assign", PRESENTED):              (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:assign", LETTER_SENT):            (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:accept_overrides", DRAFT):                  (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:accept_overrides", SUBMITTED):              (302, 404, 404, 404, 403,  302,  404, 403),
    ("cases:accept_overrides", RETURNED):               (302, 404, 404, 404, 403,  302,  404, 403),
    ("cases:accept_overrides", SCHEDULED):              (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:accept_overrides", PRESENTED):              (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:accept_overrides", LETTER_SENT):            (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:return", DRAFT):                  (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:return", SUBMITTED):              (302, 404, 404, 404, 403,  200,  404, 403),
    ("cases:return", RETURNED):               (302, 404, 404, 404, 403,  200,  404, 403),
    ("cases:return", SCHEDULED):              (302, 404, 404, 403, 403,  200,  404, 403),
    ("cases:return", PRESENTED):              (302, 404, 404, 403, 403,  200,  404, 403),
    ("cases:return", LETTER_SENT):            (302, 404, 404, 403, 403,  200,  404, 403),
    ("cases:mark_presented", DRAFT):          (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:mark_presented", SUBMITTED):      (302, 404, 404, 404, 403,  302,  404, 403),
    ("cases:mark_presented", RETURNED):       (302, 404, 404, 404, 403,  302,  404, 403),
    ("cases:mark_presented", SCHEDULED):      (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:mark_presented", PRESENTED):      (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:mark_presented", LETTER_SENT):    (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:finalize", DRAFT):                (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:finalize", SUBMITTED):            (302, 404, 404, 404, 403,  302,  404, 403),
    ("cases:finalize", RETURNED):             (302, 404, 404, 404, 403,  302,  404, 403),
    ("cases:finalize", SCHEDULED):            (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:finalize", PRESENTED):            (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:finalize", LETTER_SENT):          (302, 404, 404, 403, 403,  302,  404, 403),
    ("cases:tags", DRAFT):                    (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:tags", SUBMITTED):                (302, 404, 404, 404, 403,  200,  404, 403),
    ("cases:tags", RETURNED):                 (302, 404, 404, 404, 403,  200,  404, 403),
    ("cases:tags", SCHEDULED):                (302, 404, 404, 403, 403,  200,  404, 403),
    ("cases:tags", PRESENTED):                (302, 404, 404, 403, 403,  200,  404, 403),
    ("cases:tags", LETTER_SENT):              (302, 404, 404, 403, 403,  200,  404, 403),
    ("cases:library_sharing", DRAFT):         (302, 404, 404, 404, 404,  404,  404, 302),
    ("cases:library_sharing", SUBMITTED):     (302, 404, 404, 404, 403,  403,  404, 302),
    ("cases:library_sharing", RETURNED):      (302, 404, 404, 404, 403,  403,  404, 302),
    ("cases:library_sharing", SCHEDULED):     (302, 404, 404, 403, 403,  403,  404, 302),
    ("cases:library_sharing", PRESENTED):     (302, 404, 404, 403, 403,  403,  404, 302),
    ("cases:library_sharing", LETTER_SENT):   (302, 404, 404, 403, 403,  403,  404, 302),
    ("cases:library_screen", DRAFT):          (302, 404, 404, 404, 404,  404,  404, 403),
    ("cases:library_screen", SUBMITTED):      (302, 404, 404, 404, 403,  200,  404, 403),
    ("cases:library_screen", RETURNED):       (302, 404, 404, 404, 403,  200,  404, 403),
    ("cases:library_screen", SCHEDULED):      (302, 404, 404, 403, 403,  200,  404, 403),
    ("cases:library_screen", PRESENTED):      (302, 404, 404, 403, 403,  200,  404, 403),
    ("cases:library_screen", LETTER_SENT):    (302, 404, 404, 403, 403,  200,  404, 403),
}
# fmt: on

DENIED_HEADINGS = {403: "You can't do that here", 404: "We couldn't find that page"}

SESSION_VIEWS = [
    "zoom:meeting",
    "zoom:recreate",
    "sessions:session_detail",
    "sessions:session_ics",
    "sessions:manage_session_edit",
    "sessions:manage_session_cancel",
    "sessions:manage_session_reschedule",
]
# Views of a session that has ended: attendance, evaluation and credits.
PAST_SESSION_VIEWS = [
    "zoom:fetch_report",
    "zoom:match",
    "sessions:attendance_claim",
    "sessions:session_materials",
    "sessions:manage_attendance",
    "sessions:manage_attendance_adjust",
    "sessions:manage_attendance_import",
    "sessions:manage_attendance_import_confirm",
    "sessions:manage_attendance_confirm",
    "cpd:evaluate",
    "cpd:claim",
    "cpd:remind_evaluations",
]
CERTIFICATE_VIEWS = ["cpd:certificate_download", "cpd:reissue", "cpd:revoke"]
# Views of the past session's slides.
MATERIAL_VIEWS = ["sessions:material_remove", "sessions:material_download"]
PROGRAM_VIEWS = [
    "sessions:program_sessions",
    "sessions:learning_library",
    "sessions:manage_schedule",
    "sessions:manage_program_edit",
    "sessions:manage_cycle_create",
    "sessions:manage_schedule_new",
    "sessions:manage_enrollment",
    "sessions:manage_invite",
    "sessions:manage_invitations",
    "sessions:manage_roster_import",
    "sessions:manage_roster_template",
    "sessions:manage_failed_messages",
    "cpd:manage_certificates",
    "cpd:progress",
    "cpd:export_attendance",
    "cpd:accreditation",
    "cpd:credit_type_create",
    "cpd:survey_list",
    "cases:library",
    "reports:program",
]
UNSUBSCRIBE_KIND = "session_reminder_24h"


ATTACHMENT_PDF = b"%PDF-1.7\n% ECHO Hub test case attachment\n%%EOF\n"


@dataclass(frozen=True)
class World:
    program: Program
    other_program: Program
    session: Session
    live_session: Session
    past_session: Session
    pending_enrollment: Enrollment
    invitation: Invitation
    certificate: Certificate
    attendance_claim: AttendanceClaim
    failed_message: Notification
    survey: Survey
    material: SessionMaterial
    credit_type: CreditType
    report_export: ReportExport
    failed_report_export: ReportExport
    users: dict[str, User | None]
    cases: dict[str, Case]
    attachment: CaseAttachment | None = None


def _case_in_state(program, presenter, session, expert, state: str, screener) -> Case:
    """One case of `presenter` in `state`; scheduled and later ones hold a slot of `session`.
    The presented one is shared and published to the case library by `screener`."""
    case = CaseFactory(
        program=program,
        presenter=presenter,
        status=state,
        title=f"Tapering oxycodone after a work injury, {Case.Status(state).label.lower()}",
    )
    if state == RETURNED:
        case.return_comment = "Please add the current lorazepam dose."
        case.save(update_fields=["return_comment"])
    if state in (SCHEDULED, PRESENTED, LETTER_SENT):
        CaseSlotFactory(case=case, session=session)
    if state == LETTER_SENT:
        RecommendationFactory(case=case, author=expert)
        RecommendationLetterFactory(case=case)
    if state == PRESENTED:
        publish_to_library(case, by=screener)
    return case


def _failed_message(user: User, program: Program) -> Notification:
    return NotificationFactory(
        user=user,
        email=user.email,
        scope=program_scope(program.pk),
        subject="Your certificate is ready",
        status=Notification.Status.FAILED,
        attempts=5,
        last_error="550 5.1.1 Mailbox unavailable",
    )


def _survey(program: Program) -> Survey:
    """A cycle survey whose "before" phase has been sent."""
    cycle = CycleFactory(program=program, name="Fall 2026")
    survey = Survey.objects.create(cycle=cycle, title="Fall 2026 survey", pre_opens_at=timezone.now())
    SurveyQuestion.objects.create(
        survey=survey,
        position=1,
        kind="likert",
        text="I am confident I can taper a patient's opioid dose safely.",
    )
    return survey


def _accreditation(program: Program, coordinator) -> CreditType:
    """The program's Mainpro+ credit type, and its logo."""
    update_accreditation(
        program=program, by=coordinator, fields={"hub_name": "ECHO Ontario"}, images={"logo": LOGO_PNG}
    )
    return CreditTypeFactory(program=program)


def _member(program: Program, role: str, **fields) -> User:
    return EnrollmentFactory(program=program, role=role, user=UserFactory(**fields)).user


def build_world() -> World:
    """The people of tests/conftest.py's fixtures, with one of everything the views act on."""
    program = ProgramFactory(name="Chronic Pain & Opioid Stewardship", slug="chronic-pain")
    other_program = ProgramFactory(name="Addiction Medicine", slug="addiction-medicine")
    coordinator = _member(program, Role.COORDINATOR, email="coord@example.org")
    coordinator.user_permissions.add(Permission.objects.get(codename="add_program"))
    expert = _member(program, Role.EXPERT, email="expert@example.org")
    participant = _member(program, Role.PARTICIPANT, email="participant@example.org")
    presenter = _member(
        program,
        Role.PARTICIPANT,
        email="presenter@example.org",
        full_name="Nadia Presenter",
        profession=Profession.NURSE_PRACTITIONER,
        community_type=CommunityType.REMOTE,
    )
    pending_user = UserFactory(email="pending@example.org")
    EnrollmentFactory(program=program, user=pending_user, status=Enrollment.Status.PENDING)
    session = SessionFactory(program=program, title="Session 1", didactic_topic="Opioid tapering")
    past_session = PastSessionFactory(program=program, title="Past session", didactic_topic="Opioid tapering")
    world = World(
        program=program,
        other_program=other_program,
        session=session,
        # Join opens 15 minutes before the start: this one is open now.
        live_session=SessionFactory(
            program=program,
            title="Live session",
            didactic_topic="Naloxone kits",
            starts_at=timezone.now() + timedelta(minutes=10),
            join_url="https://video.example.org/join/live-987",
        ),
        past_session=past_session,
        pending_enrollment=Enrollment.objects.get(user=pending_user, program=program),
        invitation=InvitationFactory(program=program, email="invitee@example.org"),
        certificate=CertificateFactory(user=participant, session=past_session),
        attendance_claim=AttendanceClaimFactory(session=past_session, user=participant),
        failed_message=_failed_message(participant, program),
        survey=_survey(program),
        material=SessionMaterialFactory(session=past_session, title="Tapering opioids safely — slides"),
        credit_type=_accreditation(program, coordinator),
        report_export=ReportExportFactory(program=program, requested_by=coordinator),
        failed_report_export=ReportExport.objects.create(
            program=program, status="failed", render_attempts=5, last_error="OSError: x"
        ),
        users={
            ANONYMOUS: None,
            OUTSIDER: UserFactory(email="outsider@example.org"),
            PENDING: pending_user,
            PARTICIPANT: participant,
            EXPERT: expert,
            COORDINATOR: coordinator,
            OTHER_COORDINATOR: _member(other_program, Role.COORDINATOR, email="other-coord@example.org"),
            PRESENTER: presenter,
        },
        cases={
            state: _case_in_state(program, presenter, session, expert, state, coordinator)
            for state in CASE_STATES
        },
    )
    attachment = CaseAttachment(
        case=world.cases[SCHEDULED],
        field="report",
        content_type="application/pdf",
        size=len(ATTACHMENT_PDF),
        original_name="report.pdf",
        uploaded_by=presenter,
    )
    attachment.file.save("matrix-report.pdf", ContentFile(ATTACHMENT_PDF))
    return dataclasses.replace(world, attachment=attachment)


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, built once for the module's tests (some two thousand) in a transaction rolled
    back at the end. Each test runs in a savepoint of it (`world` asks for `db`) and gets its own
    copy of the objects, as Django's setUpTestData does."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(db, built_world) -> World:
    return copy.deepcopy(built_world)


# The fixtures of tests/conftest.py, taken from the world the module's rows already hold.
@pytest.fixture
def program(world):
    return world.program


@pytest.fixture
def other_program(world):
    return world.other_program


@pytest.fixture
def session(world):
    return world.session


@pytest.fixture
def past_session(world):
    return world.past_session


@pytest.fixture
def outsider(world):
    return world.users[OUTSIDER]


@pytest.fixture
def pending_user(world):
    return world.users[PENDING]


@pytest.fixture
def participant(world):
    return world.users[PARTICIPANT]


@pytest.fixture
def expert(world):
    return world.users[EXPERT]


@pytest.fixture
def coordinator(world):
    return world.users[COORDINATOR]


@pytest.fixture
def other_coordinator(world):
    return world.users[OTHER_COORDINATOR]


@pytest.fixture
def presenter(world):
    return world.users[PRESENTER]


def _url_kwargs(name: str, w: World) -> dict:
    slug = w.program.slug
    if name == "calendar_feed":
        return {"token": w.users[PARTICIPANT].calendar_token}
    if name == "sessions:invitation_accept":
        return {"token": w.invitation.token}
    if name == "notifications:unsubscribe":
        return {"token": unsubscribe_token(user_id=w.users[PARTICIPANT].pk, kind=UNSUBSCRIBE_KIND)}
    if name in SESSION_VIEWS:
        return {"slug": slug, "pk": w.session.pk}
    if name == "sessions:join":
        return {"slug": slug, "pk": w.live_session.pk}
    if name in PAST_SESSION_VIEWS:
        return {"slug": slug, "pk": w.past_session.pk}
    if name in MATERIAL_VIEWS:
        return {"slug": slug, "pk": w.past_session.pk, "material_pk": w.material.pk}
    if name in CERTIFICATE_VIEWS:
        return {"pk": w.certificate.pk}
    if name == "cpd:verify":
        return {"code": w.certificate.code}
    if name in {"sessions:manage_enrollment_approve", "sessions:manage_enrollment_decline"}:
        return {"slug": slug, "pk": w.pending_enrollment.pk}
    if name in {"sessions:manage_enrollment_role", "sessions:manage_enrollment_remove"}:
        member = Enrollment.objects.get(program=w.program, user=w.users[PARTICIPANT])
        return {"slug": slug, "pk": member.pk}
    if name in {"sessions:manage_invitation_resend", "sessions:manage_invitation_revoke"}:
        return {"slug": slug, "pk": w.invitation.pk}
    if name == "sessions:manage_attendance_claim_decide":
        return {"slug": slug, "claim_pk": w.attendance_claim.pk}
    if name == "sessions:manage_retry_message":
        return {"slug": slug, "pk": w.failed_message.pk}
    if name == "cases:session_agenda":
        return {"slug": slug, "pk": w.session.pk}
    if name == "cases:library_case":
        return {"slug": slug, "pk": w.cases[PRESENTED].pk}
    if name == "cases:letter_retry":
        return {"slug": slug, "pk": w.cases[LETTER_SENT].pk}
    if name == "cases:attachment":
        return {"pk": w.cases[SCHEDULED].pk, "attachment_pk": w.attachment.pk}
    if name == "cpd:certificate_retry":
        return {"slug": slug, "pk": w.certificate.pk}
    if name in {"cpd:credit_type_edit", "cpd:credit_type_delete"}:
        return {"slug": slug, "pk": w.credit_type.pk}
    if name == "cpd:accreditation_image":
        return {"slug": slug, "image": "logo"}
    if name == "cpd:export_credits":
        return {"slug": slug, "kind": "mainpro"}
    if name == "cpd:survey_answer":
        return {"slug": slug, "pk": w.survey.pk, "phase": "pre"}
    if name == "cpd:cycle_close":
        return {"slug": slug, "cycle_pk": w.survey.cycle_id}
    if name == "cpd:survey_send":
        return {"slug": slug, "cycle_pk": w.survey.cycle_id, "phase": "post"}
    if name.startswith("cpd:survey_") and name != "cpd:survey_list":
        return {"slug": slug, "cycle_pk": w.survey.cycle_id}
    if name == "reports:csv":
        return {"slug": slug, "table": "sessions"}
    if name in {"reports:export", "reports:export_download"}:
        return {"slug": slug, "pk": w.report_export.pk}
    if name == "reports:export_retry":
        return {"slug": slug, "pk": w.failed_report_export.pk}
    if name == "sessions:manage_cycle_edit" or name.startswith("sessions:manage_curriculum"):
        return {"slug": slug, "pk": w.survey.cycle_id}
    if name.startswith(("sessions:", "cases:", "cpd:", "reports:", "audit:", "zoom:")) and name not in {
        "sessions:program_list",
        "sessions:program_create",
        "sessions:my_sessions",
        "cases:mine",
        "cases:review",
        "cases:present",
        "cases:library_index",
        "cpd:transcript",
        "cpd:transcript_pdf",
        "cpd:transcript_csv",
        "cpd:verify_lookup",
        "audit:site",
        "audit:site_csv",
    }:
        return {"slug": slug}
    return {}


def _url(name: str, w: World) -> str:
    url = reverse(name, kwargs=_url_kwargs(name, w))
    if name == "cpd:progress":
        return f"{url}?session={w.past_session.pk}"
    return url


def _request_data(name: str, w: World) -> dict:
    if name == "cpd:bulk_issue":
        return {"session": w.past_session.pk}
    return {}


def _home_text(role: str, w: World) -> str:
    if role == ANONYMOUS:
        return escape(w.program.name)
    if role in MEMBERS:
        return f"Didactic: {w.live_session.didactic_topic}"
    return "No upcoming sessions"


def _transcript_text(role: str, w: World) -> str:
    if role == PARTICIPANT:
        return f'href="{reverse("cpd:certificate_download", args=[w.certificate.pk])}">Download PDF</a>'
    if role in MEMBERS:
        return f'href="{w.past_session.get_absolute_url()}">{w.past_session.title}</a>'
    return '<p class="h5">No credits yet</p>'


def _transcript_csv_text(role: str, w: World) -> str:
    if role == PARTICIPANT:
        return f",{w.certificate.code}\r\n"
    if role in MEMBERS:
        return f"{w.past_session.title}: {w.past_session.didactic_topic},"
    return "program,session,session_start,minutes"


def _expected_text(name: str, role: str, w: World) -> str:
    program = escape(w.program.name)
    session, past, claim = w.session, w.past_session, w.attendance_claim
    user = w.users[role] or User()
    texts = {
        "home": _home_text(role, w),
        "healthz": "ok",
        "calendar_feed": f"UID:session-{session.pk}@echo-hub",
        "accounts:profile": f"Signed in as <strong>{user.email}</strong>",
        "accounts:calendar": f'value="http://testserver/calendar/{user.calendar_token}.ics"',
        "accounts:security": "<h1>Security</h1>",
        "site:privacy": "<h1>Your data</h1>",
        "site:close_account": "<h1>Close your account?</h1>",
        "sessions:program_list": program,
        "sessions:program_create": "<h1>Create a program</h1>",
        "sessions:program_detail": {
            ANONYMOUS: "Log in to enroll",
            OUTSIDER: "Request to enroll",
            PENDING: "Your request is waiting for a coordinator.",
            OTHER_COORDINATOR: "Request to enroll",
        }.get(role, session.didactic_topic),
        "sessions:program_sessions": session.didactic_topic,
        "sessions:session_detail": session.didactic_topic,
        "sessions:session_ics": f"UID:session-{session.pk}@echo-hub",
        "sessions:my_sessions": session.didactic_topic if role in MEMBERS else "No upcoming sessions",
        "sessions:invitation_accept": '<h1 class="h3">This invitation is for another address</h1>',
        "sessions:manage_schedule": session.didactic_topic,
        "sessions:manage_program_edit": "Save settings",
        "sessions:manage_cycle_create": "<h1>Open a cycle</h1>",
        "sessions:manage_cycle_edit": f"<h1>Edit cycle “{w.survey.cycle.name}”</h1>",
        "sessions:manage_curriculum": f"<h1>Curriculum of {w.survey.cycle.name}</h1>",
        "sessions:manage_curriculum_template": "session,date,topic,presenter_email,guest_name",
        "sessions:manage_curriculum_import": f"<h1>Import the curriculum of {w.survey.cycle.name}</h1>",
        "sessions:manage_schedule_new": "<h1>Schedule weekly sessions</h1>",
        "sessions:manage_session_edit": f"<h1>Edit {session.title}</h1>",
        "sessions:manage_session_cancel": f"<h1>Cancel {session.title}?</h1>",
        "sessions:manage_session_reschedule": f"<h1>Reschedule {session.title}</h1>",
        "sessions:manage_enrollment": w.pending_enrollment.user.email,
        "sessions:manage_invite": "<h1>Invite people</h1>",
        "sessions:manage_invitations": f'<td data-label="Email" class="text-break">{w.invitation.email}</td>',
        "sessions:manage_invitation_revoke": (
            f'<h1 class="text-break">Revoke the invitation of {w.invitation.email}?</h1>'
        ),
        "sessions:manage_roster_import": "<h1>Import a roster</h1>",
        "sessions:manage_roster_template": "email,full_name,profession,organization\r\n",
        "cases:present": "Join a program first",
        "cases:mine": "<h1>My cases</h1>",
        "cases:review": escape(w.cases[SCHEDULED].title) if role == EXPERT else "Nothing waits for you",
        "cases:create": f"<h1>Present a case to {program}</h1>",
        "cases:session_agenda": (
            f'Case 1: <a href="{w.cases[SCHEDULED].get_absolute_url()}">{escape(w.cases[SCHEDULED].title)}</a>'
        ),
        "cases:queue": escape(w.cases[SUBMITTED].title),
        "cases:form_editor": "Save as a new version",
        "readyz": '"status": "ok"',
        "notifications:preferences": f'id="id_{UNSUBSCRIBE_KIND}" checked>',
        "notifications:unsubscribe": f"You will no longer receive: <strong>{OPTIONAL_KINDS[UNSUBSCRIBE_KIND]}</strong>",
        "sessions:attendance_claim": f"<h1>I attended {past.title}</h1>",
        "sessions:session_materials": f"<h1>Materials for {past.title}</h1>",
        "sessions:learning_library": (
            f'<a href="{reverse("sessions:material_download", args=[w.program.slug, past.pk, w.material.pk])}">'
            f"{escape(w.material.title)}</a>"
        ),
        "sessions:manage_attendance": f"<strong>{escape(claim.user)}</strong> says {claim.minutes} minutes",
        "sessions:manage_attendance_import": f"<h1>Import the participant report of {past.title}</h1>",
        "sessions:manage_failed_messages": f'<td data-label="To">{w.failed_message.email}</td>',
        "cpd:transcript": _transcript_text(role, w),
        # Each person's own rows: the participant's certificate code is in theirs alone.
        "cpd:transcript_pdf": f"CPD transcript\n{user.name_with_credentials if user.pk else ''}",
        "cpd:transcript_csv": _transcript_csv_text(role, w),
        "cpd:verify_lookup": "<h1>Verify a certificate</h1>",
        "cpd:verify": f'<dd class="col-sm-8">{escape(w.certificate.user.full_name)}</dd>',
        "cpd:revoke": f"<h1>Revoke the certificate of {escape(w.certificate.user)}?</h1>",
        "cpd:evaluate": f"<h1>Evaluate {past.title}</h1>",
        "cpd:manage_certificates": f'<td data-label="Session">{past.title}</td>',
        "cpd:progress": f"<h1>Issuing certificates for {past.title}</h1>",
        "cpd:export_attendance": "<h1>Export attendance and credits</h1>",
        "cpd:export_credits": "<h1>Mainpro+ participant list</h1>",
        "cpd:accreditation": "Provider, hub and signatory",
        "cpd:credit_type_create": "<h1>Add a credit type</h1>",
        "cpd:credit_type_edit": f"<h1>Edit {w.credit_type.name}</h1>",
        "cpd:survey_list": f'<td data-label="Cycle">{w.survey.cycle.name}</td>',
        "cpd:survey_build": f"<h1>Survey for {w.survey.cycle.name}</h1>",
        "cpd:cycle_close": f"<h1>Close {w.survey.cycle.name} early?</h1>",
        "cpd:survey_results": f"<h1>Results: {w.survey.title}</h1>",
        "cpd:survey_export": "participant_code,q1_pre,q1_post",
        "cpd:survey_answer": f"<h1>{w.survey.title}</h1>",
        "cases:library_index": '<p class="h5">No library to show yet</p>',
        "cases:library": escape(w.cases[PRESENTED].title),
        "cases:library_case": f"<h1>{escape(w.cases[PRESENTED].title)}</h1>",
        "reports:program": f'<td data-label="Session">{past.title}</td>',
        "reports:export": "The report is ready.",
        "reports:csv": f",{past.title},{past.didactic_topic},Held,",
        "sessions:manage_audit": f'aria-current="page" href="{reverse("sessions:manage_audit", args=[w.program.slug])}">Audit</a>',
        "sessions:manage_audit_csv": "time (UTC),action,actor email,program,object type,object id,object,ip",
        "zoom:connection": '<h2 class="section-title">Zoom connection</h2>',
        "zoom:meeting": f"<h1>Zoom meeting of {session.title}</h1>",
    }
    return texts[name]


def _expected_location(name: str, role: str, w: World, url: str) -> str:
    if name == "accounts:set_language":
        return reverse("home")  # open to everyone: with no language chosen it only goes home
    if role == ANONYMOUS:
        if name == "sessions:invitation_accept":
            return f"/accounts/signup/?{urlencode({'next': url, 'email': w.invitation.email})}"
        # Django quotes the query of `next` (cpd:progress has one); plain paths stay as they are.
        return f"/accounts/login/?{urlencode({'next': url}, safe='/')}"
    slug, past = w.program.slug, w.past_session
    return {
        "accounts:calendar_regenerate": reverse("accounts:calendar"),
        "accounts:mfa_continue": reverse("home"),
        "accounts:session_end": reverse("accounts:security"),
        "accounts:sessions_end_others": reverse("accounts:security"),
        "sessions:program_enroll": reverse("sessions:program_detail", args=[slug]),
        "sessions:join": w.live_session.join_url,
        "zoom:reconnect": reverse("zoom:connection", args=[slug]),
        "zoom:recreate": reverse("zoom:meeting", args=[slug, w.session.pk]),
        "zoom:fetch_report": reverse("zoom:meeting", args=[slug, past.pk]),
        "zoom:match": reverse("zoom:meeting", args=[slug, past.pk]),
        "sessions:manage_attendance_adjust": reverse("sessions:manage_attendance", args=[slug, past.pk]),
        "sessions:manage_attendance_import_confirm": reverse(
            "sessions:manage_attendance_import", args=[slug, past.pk]
        ),
        "sessions:manage_attendance_claim_decide": reverse(
            "sessions:manage_attendance", args=[slug, past.pk]
        ),
        "sessions:manage_attendance_confirm": reverse("sessions:manage_attendance", args=[slug, past.pk]),
        "sessions:manage_retry_message": reverse("sessions:manage_failed_messages", args=[slug]),
        "sessions:material_remove": reverse("sessions:session_materials", args=[slug, past.pk]),
        "sessions:manage_enrollment_approve": reverse("sessions:manage_enrollment", args=[slug]),
        "sessions:manage_enrollment_decline": reverse("sessions:manage_enrollment", args=[slug]),
        "sessions:manage_enrollment_role": reverse("sessions:manage_enrollment", args=[slug]),
        "sessions:manage_enrollment_remove": reverse("sessions:manage_enrollment", args=[slug]),
        "sessions:manage_roster_import_confirm": reverse("sessions:manage_roster_import", args=[slug]),
        "sessions:manage_curriculum_import_confirm": reverse(
            "sessions:manage_curriculum_import", args=[slug, w.survey.cycle_id]
        ),
        "sessions:manage_invitation_resend": reverse("sessions:manage_invitations", args=[slug]),
        "cases:library_index": reverse(
            "cases:library", args=[w.other_program.slug if role == OTHER_COORDINATOR else slug]
        ),
        "cpd:claim": reverse("cpd:transcript"),
        "cpd:reissue": reverse("cpd:manage_certificates", args=[slug]),
        "cpd:bulk_issue": f"{reverse('cpd:progress', args=[slug])}?session={past.pk}",
        "cpd:remind_evaluations": f"{reverse('cpd:progress', args=[slug])}?session={past.pk}",
        "cpd:certificate_retry": reverse("cpd:manage_certificates", args=[slug]),
        "cpd:credit_type_delete": reverse("cpd:accreditation", args=[slug]),
        "cases:letter_retry": w.cases[LETTER_SENT].get_absolute_url(),
        "cases:present": reverse(
            "cases:create", args=[w.other_program.slug if role == OTHER_COORDINATOR else slug]
        ),
        "cpd:survey_use_template": reverse("cpd:survey_build", args=[slug, w.survey.cycle_id]),
        "cpd:survey_send": reverse("cpd:survey_build", args=[slug, w.survey.cycle_id]),
        "reports:pdf": reverse("reports:export", args=[slug, ReportExport.objects.latest("pk").pk])
        if name == "reports:pdf"
        else "",
        "reports:export_retry": reverse("reports:export", args=[slug, w.failed_report_export.pk]),
    }[name]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _login(client, user) -> None:
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, codes[i], id=f"{name}-{role}")
        for name, (_, *codes) in MATRIX.items()
        for i, role in enumerate(ROLES)
    ],
)
def test_view_permission_matrix_gives_expected_status(client, world, name, role, expected):
    _login(client, world.users[role])
    url = _url(name, world)
    method = "post" if MATRIX[name][0] == "POST" else "get"
    before = snapshot()

    response = getattr(client, method)(url, _request_data(name, world))

    assert response.status_code == expected
    if expected == 200 and name == "cpd:certificate_download":
        assert b"".join(response.streaming_content) == CERTIFICATE_PDF
    elif expected == 200 and name == "sessions:material_download":
        assert b"".join(response.streaming_content) == SLIDES_PDF
    elif expected == 200 and name == "cpd:accreditation_image":
        assert b"".join(response.streaming_content) == LOGO_PNG
    elif expected == 200 and name == "site:data_export":
        archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
        assert json.loads(archive.read("profile.json"))["email"] == world.users[role].email
    elif expected == 200 and name == "cpd:transcript_pdf":
        assert _expected_text(name, role, world) in _pdf_text(response.content)
    elif expected == 200 and name == "cases:attachment":
        assert b"".join(response.streaming_content) == ATTACHMENT_PDF
    elif expected == 200 and name == "reports:export_download":
        assert b"".join(response.streaming_content) == REPORT_PDF
    elif expected == 200:
        assert _expected_text(name, role, world) in response.content.decode()
    elif expected == 302:
        assert response["Location"] == _expected_location(name, role, world, url)
    elif expected == 401:
        assert response.content == b"Unauthorized"
    else:
        body = response.content.decode()
        assert DENIED_HEADINGS[expected] in body
        if role != COORDINATOR:  # a coordinator refused a hub-wide page still sees their own menu
            assert escape(world.program.name) not in body
        assert world.session.didactic_topic not in body
        assert world.live_session.didactic_topic not in body
    if role == ANONYMOUS or expected in DENIED_HEADINGS or expected == 401:
        assert changes_since(before) == {}


@pytest.mark.parametrize("name", list(MATRIX))
def test_view_wrong_method_returns_405(client, world, name):
    allowed = MATRIX[name][0]
    wrong = {"GET": "post", "POST": "get", "GET/POST": "put"}[allowed]
    client.force_login(world.users[COORDINATOR])
    before = snapshot()

    response = getattr(client, wrong)(_url(name, world))

    assert response.status_code == 405
    assert response["Allow"] == allowed.replace("/", ", ")
    assert changes_since(before) == {}


def _case_text(name: str, case: Case) -> str:
    title = escape(case.title)
    return {
        "cases:detail": f"<h1>{title} ",
        "cases:edit": f'name="title" value="{title}"',
        "cases:follow_up": f"recommendations for “{title}”?",
        "cases:recommendations": f"<h1>Recommendations for “{title}”</h1>",
        "cases:return": f"<h1>Return “{title}” to its presenter</h1>",
        "cases:withdraw": f'<h1 class="text-break">Withdraw “{title}”?</h1>',
        "cases:tags": f"Tags help members find “{title}” in the case library",
        "cases:library_screen": f"<h1>Screen “{title}” for the case library</h1>",
    }[name]


def _case_location(name: str, state: str, role: str, case: Case, url: str) -> str:
    if role == ANONYMOUS:
        return f"/accounts/login/?next={url}"
    if name == "cases:submit" and state not in (DRAFT, SUBMITTED, RETURNED):
        return reverse("cases:edit", kwargs={"pk": case.pk})
    return reverse("cases:detail", kwargs={"pk": case.pk})


@pytest.mark.parametrize(
    ("name", "state", "role", "expected"),
    [
        pytest.param(name, state, role, codes[i], id=f"{name}-{state}-{role}")
        for (name, state), codes in CASE_MATRIX.items()
        for i, role in enumerate(CASE_ROLES)
    ],
)
def test_case_view_permission_matrix_gives_expected_status(client, world, name, state, role, expected):
    case = world.cases[state]
    _login(client, world.users[role])
    url = reverse(name, kwargs={"pk": case.pk})
    method = "post" if CASE_METHODS[name] == "POST" else "get"
    before = snapshot()

    response = getattr(client, method)(url)

    assert response.status_code == expected
    if expected == 200 and name == "cases:letter":
        assert b"".join(response.streaming_content) == LETTER_PDF
    elif expected == 200:
        assert _case_text(name, case) in response.content.decode()
    elif expected == 302:
        assert response["Location"] == _case_location(name, state, role, case, url)
    else:
        body = response.content.decode()
        assert DENIED_HEADINGS[expected] in body
        assert escape(case.title) not in body
    if role == ANONYMOUS or expected in DENIED_HEADINGS:
        assert changes_since(before) == {}


@pytest.mark.parametrize("name", list(CASE_METHODS))
def test_case_view_wrong_method_returns_405(client, world, name):
    allowed = CASE_METHODS[name]
    wrong = {"GET": "post", "POST": "get", "GET/POST": "put"}[allowed]
    client.force_login(world.users[COORDINATOR])
    before = snapshot()

    response = getattr(client, wrong)(reverse(name, kwargs={"pk": world.cases[SUBMITTED].pk}))

    assert response.status_code == 405
    assert response["Allow"] == allowed.replace("/", ", ")
    assert changes_since(before) == {}


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_module, "__name__", "")
            if entry.namespace == "admin" or module.startswith("allauth"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_permission_matrix_covers_every_view():
    names = _url_names(get_resolver().url_patterns)

    assert names == set(MATRIX) | set(CASE_METHODS)
    assert set(CASE_MATRIX) == {(name, state) for name in CASE_METHODS for state in CASE_STATES}


def test_calendar_feed_unknown_token_returns_404(client, world):
    response = client.get(reverse("calendar_feed", kwargs={"token": "not-a-real-token"}))

    assert response.status_code == 404
    assert world.session.didactic_topic not in response.content.decode()


def test_calendar_feed_of_inactive_user_returns_404(client, world):
    participant = world.users[PARTICIPANT]
    participant.is_active = False
    participant.save(update_fields=["is_active"])

    response = client.get(reverse("calendar_feed", kwargs={"token": participant.calendar_token}))

    assert response.status_code == 404
    assert f"UID:session-{world.session.pk}@echo-hub" not in response.content.decode()


@pytest.mark.parametrize("name", [*SESSION_VIEWS, "sessions:join", *PAST_SESSION_VIEWS])
def test_session_view_with_other_programs_session_returns_404(
    client, coordinator, program, other_session, name
):
    client.force_login(coordinator)
    send = client.post if MATRIX[name][0] == "POST" else client.get

    own_slug = send(reverse(name, kwargs={"slug": program.slug, "pk": other_session.pk}))
    other_slug = send(reverse(name, kwargs={"slug": other_session.program.slug, "pk": other_session.pk}))

    assert (own_slug.status_code, other_slug.status_code) == (404, 404)
    assert other_session.title not in own_slug.content.decode()
    assert other_session.title not in other_slug.content.decode()


@pytest.mark.parametrize("name", PROGRAM_VIEWS)
def test_program_view_with_other_programs_slug_returns_404(client, coordinator, other_program, name):
    client.force_login(coordinator)

    response = client.get(reverse(name, kwargs={"slug": other_program.slug}))

    assert response.status_code == 404
    assert other_program.name not in response.content.decode()


def test_session_cancel_of_other_programs_session_changes_nothing(
    client, coordinator, program, other_session
):
    client.force_login(coordinator)
    before = snapshot()

    responses = [
        client.post(
            reverse("sessions:manage_session_cancel", kwargs={"slug": slug, "pk": other_session.pk}),
            {"reason": "Hub is closed"},
        )
        for slug in (program.slug, other_session.program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    other_session.refresh_from_db()
    assert other_session.status == Session.Status.SCHEDULED
    assert other_session.cancel_reason == ""
    assert other_session.sequence == 0
    assert changes_since(before) == {}


@pytest.mark.parametrize("name", ["sessions:manage_enrollment_approve", "sessions:manage_enrollment_decline"])
def test_enrollment_decision_on_other_programs_enrollment_changes_nothing(
    client, coordinator, program, other_program, name
):
    request = EnrollmentFactory(program=other_program, status=Enrollment.Status.PENDING)
    client.force_login(coordinator)
    before = snapshot()

    responses = [
        client.post(reverse(name, kwargs={"slug": slug, "pk": request.pk}), {"reason": "Full"})
        for slug in (program.slug, other_program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    request.refresh_from_db()
    assert request.status == Enrollment.Status.PENDING
    assert request.decided_by is None
    assert request.decided_at is None
    assert request.decline_reason == ""
    assert changes_since(before) == {}


@pytest.fixture
def closed_program(program):
    program.is_open_for_enrollment = False
    program.save(update_fields=["is_open_for_enrollment"])
    return program


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (ANONYMOUS, 404),
        (OUTSIDER, 404),
        (PENDING, 404),
        (PARTICIPANT, 200),
        (EXPERT, 200),
        (COORDINATOR, 200),
        (OTHER_COORDINATOR, 404),
    ],
)
def test_closed_program_detail_is_visible_to_members_only(client, world, closed_program, role, expected):
    _login(client, world.users[role])

    response = client.get(reverse("sessions:program_detail", kwargs={"slug": closed_program.slug}))

    assert response.status_code == expected
    body = response.content.decode()
    if expected == 200:
        assert f"<h1>{escape(closed_program.name)}</h1>" in body
        assert world.session.didactic_topic in body
    else:
        assert escape(closed_program.name) not in body


@pytest.mark.parametrize("role", [OUTSIDER, OTHER_COORDINATOR])
def test_closed_program_enroll_returns_404_and_creates_nothing(client, world, closed_program, role):
    user = world.users[role]
    client.force_login(user)
    before = snapshot()

    response = client.post(reverse("sessions:program_enroll", kwargs={"slug": closed_program.slug}))

    assert response.status_code == 404
    assert Enrollment.objects.filter(user=user, program=closed_program).exists() is False
    assert changes_since(before) == {}


@pytest.mark.parametrize(("role", "listed"), [(ANONYMOUS, False), (OUTSIDER, False), (PARTICIPANT, True)])
def test_closed_program_in_program_list_only_for_members(client, world, closed_program, role, listed):
    _login(client, world.users[role])

    response = client.get(reverse("sessions:program_list"))

    assert response.status_code == 200
    assert (escape(closed_program.name) in response.content.decode()) is listed


@pytest.fixture
def other_program_cases(other_program, other_session):
    presenter = EnrollmentFactory(program=other_program).user
    expert = EnrollmentFactory(program=other_program, role=Role.EXPERT).user
    coordinator = EnrollmentFactory(program=other_program, role=Role.COORDINATOR).user
    return {
        state: _case_in_state(other_program, presenter, other_session, expert, state, coordinator)
        for state in CASE_STATES
    }


@pytest.mark.parametrize("name", list(CASE_METHODS))
@pytest.mark.parametrize("role", [PARTICIPANT, EXPERT, COORDINATOR])
def test_case_view_of_other_programs_case_returns_404(client, world, other_program_cases, role, name):
    client.force_login(world.users[role])
    method = "post" if CASE_METHODS[name] == "POST" else "get"
    before = snapshot()

    responses = {
        state: getattr(client, method)(reverse(name, kwargs={"pk": case.pk}))
        for state, case in other_program_cases.items()
    }

    assert {state: r.status_code for state, r in responses.items()} == dict.fromkeys(CASE_STATES, 404)
    for state, case in other_program_cases.items():
        assert escape(case.title) not in responses[state].content.decode()
        case.refresh_from_db()
        assert case.status == state
    assert changes_since(before) == {}


@pytest.mark.parametrize("role", [PARTICIPANT, EXPERT, COORDINATOR])
def test_library_case_of_other_programs_case_returns_404(client, world, other_program_cases, role):
    client.force_login(world.users[role])

    responses = {
        state: client.get(reverse("cases:library_case", kwargs={"slug": world.program.slug, "pk": case.pk}))
        for state, case in other_program_cases.items()
    }
    library = client.get(reverse("cases:library", kwargs={"slug": world.program.slug}))

    assert {state: r.status_code for state, r in responses.items()} == dict.fromkeys(CASE_STATES, 404)
    for state, case in other_program_cases.items():
        assert escape(case.title) not in responses[state].content.decode()
        assert f'/library/{case.pk}/"' not in library.content.decode()


@pytest.mark.parametrize(
    "letter_status", [RecommendationLetter.Status.RENDERING, RecommendationLetter.Status.FAILED]
)
@pytest.mark.parametrize("role", [PRESENTER, EXPERT, COORDINATOR])
def test_case_letter_not_ready_returns_404(client, world, role, letter_status):
    case = world.cases[PRESENTED]
    RecommendationLetter.objects.create(
        case=case, status=letter_status, finalized_by=world.users[COORDINATOR]
    )
    client.force_login(world.users[role])

    response = client.get(reverse("cases:letter", kwargs={"pk": case.pk}))

    assert response.status_code == 404
    assert DENIED_HEADINGS[404] in response.content.decode()


def test_case_letter_stays_with_its_presenter_after_leaving_the_program(client, world):
    presenter = world.users[PRESENTER]
    Enrollment.objects.filter(user=presenter, program=world.program).delete()
    client.force_login(presenter)

    response = client.get(reverse("cases:letter", kwargs={"pk": world.cases[LETTER_SENT].pk}))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LETTER_PDF


@pytest.mark.parametrize(
    ("role", "shown"), [(PARTICIPANT, False), (PRESENTER, True), (EXPERT, True), (COORDINATOR, True)]
)
@pytest.mark.parametrize("state", [PRESENTED, LETTER_SENT])
def test_case_detail_shows_recommendations_to_the_presenter_and_the_hub_only(
    client, world, expert, state, role, shown
):
    case = world.cases[state]
    RecommendationFactory(case=case, author=expert, heading="non_pharm", text="Graded walking programme.")
    client.force_login(world.users[role])

    response = client.get(reverse("cases:detail", kwargs={"pk": case.pk}))

    body = response.content.decode()
    assert response.status_code == 200
    assert ("Graded walking programme." in body) is shown
    assert ('<h2 class="section-title">Hub recommendations</h2>' in body) is shown


@pytest.fixture
def other_member(other_program):
    return EnrollmentFactory(
        program=other_program, user=UserFactory(email="other-member@example.org", full_name="Omar Other")
    ).user


@pytest.fixture
def other_past_session(other_program, other_member):
    """An ended session of the other program whose member earned its credits."""
    session = PastSessionFactory(
        program=other_program, title="Other past session", cycle=CycleFactory(program=other_program)
    )
    AttendanceFactory(session=session, user=other_member, minutes=120)
    EvaluationFactory(session=session, user=other_member)
    # Someone whose Join click nobody has confirmed yet.
    AttendanceFactory(
        session=session, user=EnrollmentFactory(program=other_program).user, minutes=60, source="join"
    )
    return session


def _session_write(name: str, member: User, newcomer: User) -> dict:
    """A valid POST for each writing view of a session, aimed at the other program's people."""
    return {
        "sessions:join": {},
        "sessions:attendance_claim": {"minutes": "90", "note": "Joined by phone."},
        "sessions:manage_attendance": {"present": [newcomer.pk]},
        "sessions:manage_attendance_adjust": {"user": member.pk, "minutes": "30", "reason": "Left early."},
        "sessions:manage_attendance_import_confirm": {},
        "sessions:manage_attendance_confirm": {},
        "cpd:evaluate": {
            "relevance": "5",
            "quality": "4",
            "objectives_met": "yes",
            "commitment_to_change": "Offer naloxone to every patient above 50 MME.",
        },
        "cpd:claim": {},
    }[name]


@pytest.mark.parametrize(
    "name",
    [
        "sessions:join",
        "sessions:attendance_claim",
        "sessions:manage_attendance",
        "sessions:manage_attendance_adjust",
        "sessions:manage_attendance_import_confirm",
        "sessions:manage_attendance_confirm",
        "cpd:evaluate",
        "cpd:claim",
    ],
)
def test_session_write_on_other_programs_session_changes_nothing(
    client, world, other_program, other_past_session, other_member, name
):
    newcomer = EnrollmentFactory(program=other_program).user
    other_live = SessionFactory(program=other_program, title="Other live session", starts_at=timezone.now())
    target = other_live if name == "sessions:join" else other_past_session
    client.force_login(world.users[COORDINATOR])
    before = snapshot()

    responses = [
        client.post(
            reverse(name, kwargs={"slug": slug, "pk": target.pk}),
            _session_write(name, other_member, newcomer),
        )
        for slug in (world.program.slug, other_program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert all(target.title not in r.content.decode() for r in responses)
    assert changes_since(before) == {}


@pytest.mark.parametrize("role", [PARTICIPANT, EXPERT, COORDINATOR])
@pytest.mark.parametrize("name", CERTIFICATE_VIEWS)
def test_certificate_view_of_other_programs_certificate_returns_404(
    client, world, other_past_session, other_member, name, role
):
    certificate = CertificateFactory(user=other_member, session=other_past_session)
    client.force_login(world.users[role])
    url = reverse(name, kwargs={"pk": certificate.pk})
    before = snapshot()

    if MATRIX[name][0] == "GET":
        response = client.get(url)
    else:
        response = client.post(url, {"reason": "Attendance misrecorded"})

    assert response.status_code == 404
    assert "Omar Other" not in response.content.decode()
    certificate.refresh_from_db()
    assert (certificate.status, certificate.issue_number, certificate.revoked_by) == (
        Certificate.Status.VALID,
        1,
        None,
    )
    assert changes_since(before) == {}


@pytest.mark.parametrize("target", ["session", "cycle"])
def test_bulk_issue_for_other_programs_session_or_cycle_issues_nothing(
    client, world, other_past_session, target
):
    pk = other_past_session.pk if target == "session" else other_past_session.cycle_id
    client.force_login(world.users[COORDINATOR])
    before = snapshot()

    bulk = client.post(reverse("cpd:bulk_issue", args=[world.program.slug]), {target: pk})
    progress = client.get(f"{reverse('cpd:progress', args=[world.program.slug])}?{target}={pk}")

    assert (bulk.status_code, progress.status_code) == (404, 404)
    assert other_past_session.title not in progress.content.decode()
    assert Certificate.objects.exclude(pk=world.certificate.pk).exists() is False
    assert changes_since(before) == {}


def test_export_attendance_of_other_programs_session_is_refused_by_the_form(
    client, world, other_past_session
):
    client.force_login(world.users[COORDINATOR])

    response = client.get(
        reverse("cpd:export_attendance", args=[world.program.slug]), {"session": other_past_session.pk}
    )

    body = response.content.decode()
    assert (response.status_code, response["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "Select a valid choice. That choice is not one of the available choices." in body
    assert "other-member@example.org" not in body


def test_claim_decision_on_other_programs_request_changes_nothing(client, world, other_past_session):
    request = AttendanceClaimFactory(
        session=other_past_session, user=EnrollmentFactory(program=other_past_session.program).user
    )
    client.force_login(world.users[COORDINATOR])
    before = snapshot()

    responses = [
        client.post(
            reverse("sessions:manage_attendance_claim_decide", kwargs={"slug": slug, "claim_pk": request.pk}),
            {"decision": "approve"},
        )
        for slug in (world.program.slug, other_past_session.program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decided_at) == (
        AttendanceClaim.Status.PENDING,
        None,
        None,
    )
    assert changes_since(before) == {}


def test_retry_of_other_programs_failed_message_changes_nothing(client, world, other_program, other_member):
    message = _failed_message(other_member, other_program)
    client.force_login(world.users[COORDINATOR])
    before = snapshot()

    own_slug = client.get(reverse("sessions:manage_failed_messages", args=[world.program.slug]))
    responses = [
        client.post(reverse("sessions:manage_retry_message", kwargs={"slug": slug, "pk": message.pk}))
        for slug in (world.program.slug, other_program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert other_member.email not in own_slug.content.decode()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.FAILED, 5)
    assert changes_since(before) == {}


@pytest.mark.parametrize("render_status", [Certificate.RenderStatus.PENDING, Certificate.RenderStatus.FAILED])
@pytest.mark.parametrize("role", [PARTICIPANT, COORDINATOR])
def test_certificate_download_not_ready_returns_404(client, world, role, render_status):
    Certificate.objects.filter(pk=world.certificate.pk).update(render_status=render_status)
    client.force_login(world.users[role])

    response = client.get(reverse("cpd:certificate_download", args=[world.certificate.pk]))

    assert response.status_code == 404
    assert DENIED_HEADINGS[404] in response.content.decode()


@pytest.mark.parametrize("role", [ANONYMOUS, PARTICIPANT])
def test_verify_of_an_unknown_code_returns_404(client, world, role):
    _login(client, world.users[role])

    response = client.get(reverse("cpd:verify", kwargs={"code": "not-a-certificate-code"}))

    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>No certificate matches this code</h1>" in body
    assert escape(world.certificate.user.full_name) not in body


@pytest.mark.parametrize("method", ["get", "post"])
def test_unsubscribe_with_a_tampered_token_returns_404_and_mutes_nothing(client, world, method):
    token = unsubscribe_token(user_id=world.users[PARTICIPANT].pk, kind=UNSUBSCRIBE_KIND)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    before = snapshot()

    response = getattr(client, method)(reverse("notifications:unsubscribe", kwargs={"token": tampered}))

    assert response.status_code == 404
    assert OPTIONAL_KINDS[UNSUBSCRIBE_KIND] not in response.content.decode()
    assert NotificationPreference.objects.exists() is False
    assert changes_since(before) == {}
