"""The verbs of a case's life, in three modules: the case from draft to presentation, the
hub's recommendations and their letter, and follow-ups. Import them from here."""

from .caseforms import (
    case_definition,
    current_definition,
    current_form_version,
    save_form_version,
    start_from_template,
)
from .cases import (
    assign_case_to_session,
    mark_case_presented,
    return_case,
    save_case_draft,
    submit_case,
    withdraw_case,
)
from .common import MedicationRow, guard_identifiers, total_mme
from .follow_ups import ORIGINAL_CONCERN, add_follow_up
from .letters import check_can_finalize, merged_texts, preview_document, render_letter_preview
from .overrides import accept_overrides, has_waiting_overrides, vouched_keys
from .recommendations import (
    LETTER_RENDERS,
    OVERDUE_LETTER_DAYS,
    RENDER_TASK,
    finalize_recommendations,
    letter_context,
    render_letter,
    retry_letter_render,
    save_recommendations,
)

__all__ = [
    "LETTER_RENDERS",
    "ORIGINAL_CONCERN",
    "OVERDUE_LETTER_DAYS",
    "RENDER_TASK",
    "MedicationRow",
    "accept_overrides",
    "add_follow_up",
    "assign_case_to_session",
    "case_definition",
    "check_can_finalize",
    "current_definition",
    "current_form_version",
    "finalize_recommendations",
    "guard_identifiers",
    "has_waiting_overrides",
    "letter_context",
    "mark_case_presented",
    "merged_texts",
    "preview_document",
    "render_letter",
    "render_letter_preview",
    "retry_letter_render",
    "return_case",
    "save_case_draft",
    "save_form_version",
    "save_recommendations",
    "start_from_template",
    "submit_case",
    "total_mme",
    "vouched_keys",
    "withdraw_case",
]
