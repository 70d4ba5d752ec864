from celery import shared_task
from django.db import OperationalError

from .reminders import NOTIFY_TASK, notify_session_change


# A database that dropped the connection is worth another try soon; the beat sweep catches
# whatever is still due after the last one.
@shared_task(
    name=NOTIFY_TASK,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=4,
)
def notify_session_change_task(*, change_id: int) -> int:
    """Write the messages of a cancelled or moved session: once, however often it runs."""
    return notify_session_change(change_id=change_id)
