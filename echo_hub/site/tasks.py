"""The beat sweep: every few minutes it computes, from the database, every message that is
due and not yet in the outbox, and the provisional attendance of sessions that ended.
Nothing waits in a queue for hours, so a Redis flush or outage only delays messages."""

import logging

from celery import shared_task

from cases.reminders import send_due_case_reminders
from cases.selectors import agenda_case_numbers
from cpd.services import send_due_evaluation_requests
from sessions.attendance import record_provisional_attendance
from sessions.reminders import send_due_session_changes, send_due_session_reminders

from .digest import send_coordinator_digests
from .reports.exports import RENDER_TASK, REPORT_RENDERS, render_report_export

logger = logging.getLogger(__name__)


@shared_task(name="echo_hub.sweep_due_messages", acks_late=True, time_limit=240, soft_time_limit=200)
def sweep_due_messages_task() -> dict:
    result = {
        # Cancellations and moves whose own task never ran (the broker was down).
        "session_changes": send_due_session_changes(),
        "session_reminders": send_due_session_reminders(agenda=agenda_case_numbers()),
        "case_reminders": send_due_case_reminders(),
        # Before the evaluation requests: a join becomes attendance once its session ends.
        "provisional_attendance": record_provisional_attendance(),
        "evaluation_requests": send_due_evaluation_requests(),
    }
    logger.info("Due messages queued: %s", result)
    return result


@shared_task(name="echo_hub.send_coordinator_digests", acks_late=True, time_limit=240, soft_time_limit=200)
def send_coordinator_digests_task() -> int:
    queued = send_coordinator_digests()
    logger.info("Coordinator digests queued: %s", queued)
    return queued


@shared_task(name=RENDER_TASK, acks_late=True, time_limit=600, soft_time_limit=540)
def render_report_export_task(*, export_id: int) -> bool:
    return REPORT_RENDERS.run(export_id, lambda: render_report_export(export_id=export_id))


@shared_task(name="echo_hub.sweep_report_exports", acks_late=True)
def sweep_report_exports_task() -> int:
    """Render the report exports that are due: retries, and those a dead broker or worker left."""
    return len(REPORT_RENDERS.sweep())
