"""Thin Celery wrappers over zoom.services and zoom.reports. Zoom being down, slow or
rate-limiting is retried with backoff (after Retry-After when Zoom gave one); when retries run
out, the beat sweep tries again, since every task only brings Zoom in line with the database."""

from celery import shared_task

from . import reports, services
from .client import ZoomUnavailable

RETRY = {"autoretry_for": (ZoomUnavailable,), "retry_backoff": 30, "retry_backoff_max": 600, "max_retries": 5}


@shared_task(name="zoom.check_connection", acks_late=True, **RETRY)
def check_connection_task(*, program_id: int) -> str | None:
    connection = services.check_connection(program_id=program_id)
    return connection.status if connection else None


# One call to Zoom per registration: a program of hundreds of members needs more than the
# global 60 s. What a run did is committed call by call; the next run or the sweep goes on.
@shared_task(name="zoom.sync_session", acks_late=True, soft_time_limit=600, time_limit=660, **RETRY)
def sync_session_task(*, session_id: int) -> str | None:
    meeting = services.sync_session(session_id=session_id)
    return meeting.status if meeting else None


@shared_task(name="zoom.sync_member", acks_late=True, **RETRY)
def sync_member_task(*, program_id: int, user_id: int) -> int:
    return services.sync_member(program_id=program_id, user_id=user_id)


@shared_task(name="zoom.import_report", acks_late=True, soft_time_limit=300, time_limit=360, **RETRY)
def import_report_task(*, meeting_pk: int) -> bool:
    return reports.import_report(meeting_pk=meeting_pk) is not None


@shared_task(name="zoom.sweep", acks_late=True)
def sweep_task() -> dict:
    return reports.sweep()
