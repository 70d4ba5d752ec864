"""The verbs that change CPD records, in three modules: evaluations (and the credits they
unlock), certificates, and cycle surveys. Import them from here."""

from .certificates import (
    CERTIFICATE_RENDERS,
    RENDER_TASK,
    bulk_issue_for_cycle,
    bulk_issue_for_session,
    certificate_context,
    cycle_credit_rows,
    issue_cycle_certificate,
    issue_session_certificate,
    reissue_certificate,
    render_certificate,
    retry_certificate_render,
    revoke_certificate,
)
from .evaluations import (
    EVALUATION_REQUEST_WINDOW,
    attendance_credit,
    credit_for,
    send_due_evaluation_requests,
    submit_evaluation,
    user_session_credit,
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
    "RENDER_TASK",
    "SURVEY_TEMPLATE",
    "add_survey_question",
    "attendance_credit",
    "bulk_issue_for_cycle",
    "bulk_issue_for_session",
    "certificate_context",
    "credit_for",
    "cycle_credit_rows",
    "issue_cycle_certificate",
    "issue_session_certificate",
    "reissue_certificate",
    "render_certificate",
    "retry_certificate_render",
    "revoke_certificate",
    "send_due_evaluation_requests",
    "send_survey_phase",
    "start_survey_from_template",
    "submit_evaluation",
    "submit_survey_response",
    "user_session_credit",
]
