"""The verbs that change CPD records: credit types and accreditation details (accreditation),
evaluations and the credits they unlock (evaluations), issuing certificates (certificates), what
a certificate prints (certificate_pdf), when a cycle's may be issued (cycles), copies, reissues
and revocation (lifecycle), who an issue left out (issue_outcomes) and cycle surveys (surveys).
Import them from here."""

from .accreditation import (
    CreditRules,
    accreditation_of,
    check_image,
    create_credit_type,
    credit_rules,
    delete_credit_type,
    update_accreditation,
    update_credit_type,
)
from .certificate_pdf import certificate_context, render_certificate
from .certificates import (
    CERTIFICATE_RENDERS,
    RENDER_TASK,
    bulk_issue_for_cycle,
    bulk_issue_for_session,
    cycle_credit_rows,
    issue_cycle_certificate,
    issue_session_certificate,
    retry_certificate_render,
)
from .cycles import close_cycle_early, cycle_last_end, require_cycle_certifiable
from .evaluations import (
    EVALUATION_REQUEST_WINDOW,
    attendance_credit,
    credit_for,
    evaluation_closes_at,
    evaluation_is_open,
    request_evaluations_after_report,
    require_evaluation_open,
    send_due_evaluation_requests,
    submit_evaluation,
    user_session_credit,
)
from .issue_outcomes import (
    Missed,
    ReminderResult,
    missed_certificates,
    missed_cycle_certificates,
    remind_missing_evaluations,
)
from .lifecycle import (
    ISSUED_CERTIFICATES,
    CertificateFacts,
    bring_up_to_date,
    certificates_follow_attendance,
    recompute_facts,
    reissue_certificate,
    revoke_certificate,
)
from .surveys import (
    SURVEY_TEMPLATE,
    add_survey_question,
    send_survey_phase,
    start_survey_from_template,
    submit_survey_response,
)

__all__ = [
    "CERTIFICATE_RENDERS",
    "EVALUATION_REQUEST_WINDOW",
    "ISSUED_CERTIFICATES",
    "RENDER_TASK",
    "SURVEY_TEMPLATE",
    "CertificateFacts",
    "CreditRules",
    "Missed",
    "ReminderResult",
    "accreditation_of",
    "add_survey_question",
    "attendance_credit",
    "bring_up_to_date",
    "bulk_issue_for_cycle",
    "bulk_issue_for_session",
    "certificate_context",
    "certificates_follow_attendance",
    "check_image",
    "close_cycle_early",
    "create_credit_type",
    "credit_for",
    "credit_rules",
    "cycle_credit_rows",
    "cycle_last_end",
    "delete_credit_type",
    "evaluation_closes_at",
    "evaluation_is_open",
    "issue_cycle_certificate",
    "issue_session_certificate",
    "missed_certificates",
    "missed_cycle_certificates",
    "recompute_facts",
    "reissue_certificate",
    "remind_missing_evaluations",
    "render_certificate",
    "request_evaluations_after_report",
    "require_cycle_certifiable",
    "require_evaluation_open",
    "retry_certificate_render",
    "revoke_certificate",
    "send_due_evaluation_requests",
    "send_survey_phase",
    "start_survey_from_template",
    "submit_evaluation",
    "submit_survey_response",
    "update_accreditation",
    "update_credit_type",
    "user_session_credit",
]
